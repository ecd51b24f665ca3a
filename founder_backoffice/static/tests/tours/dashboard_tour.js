import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("founder_backoffice_dashboard_tour", {
    url: "/odoo/founder-dashboard",
    steps: () => [
        { trigger: ".o_founder_dashboard .o_kpi_revenue .o_kpi_value:contains(1,500)" },
        { trigger: ".o_founder_dashboard .o_kpi_revenue .o_kpi_span:contains(From)" },
        { trigger: ".o_founder_dashboard .o_kpi_ar_overdue .o_kpi_value:contains(1,000)" },
        { trigger: ".o_founder_dashboard .o_kpi_runway .o_kpi_value:contains(Not burning)" },
        { trigger: ".o_founder_dashboard .o_fb_chart_cash canvas" },
        { trigger: ".o_founder_dashboard .o_fb_chart_aging canvas" },
        { trigger: ".o_founder_dashboard .o_fb_forecast_summary:contains(week of)" },
        {
            content: "click a week of the forecast chart",
            trigger: ".o_founder_dashboard .o_fb_chart_forecast canvas",
            run: "click",
        },
        { trigger: ".o_breadcrumb:contains(Week of)" },
        { trigger: ".o_list_view .o_data_row:contains(Tour Customer)" },
        { trigger: ".o_breadcrumb a:contains(Founder dashboard)", run: "click" },
        { trigger: ".o_founder_dashboard .o_kpi_ar_overdue", run: "click" },
        { trigger: ".o_list_view .o_data_row:contains(1,000.00)" },
    ],
});
