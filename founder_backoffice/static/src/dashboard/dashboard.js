import { Component, onWillStart, useState } from "@odoo/owl";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatFloat, formatMonetary, formatPercentage } from "@web/views/fields/formatters";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

/** The founder dashboard: every KPI card of a period in one RPC, each opening the records behind it. */
export class FounderDashboard extends Component {
    static template = "founder_backoffice.FounderDashboard";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.periods = [
            ["this_month", _t("This month")],
            ["last_month", _t("Last month")],
            ["this_quarter", _t("This quarter")],
            ["year_to_date", _t("Year to date")],
            ["last_12_months", _t("Last 12 months")],
        ];
        this.state = useState({ data: null, period: "this_month", companyId: null, loading: true });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.loading = true;
        this.state.data = await this.orm.call("fb.kpi.snapshot", "get_dashboard", [], {
            period: this.state.period,
            company_id: this.state.companyId,
        });
        this.state.companyId = this.state.data.company.id;
        this.state.loading = false;
    }

    async onPeriodChange(ev) {
        this.state.period = ev.target.value;
        await this.load();
    }

    async onCompanyChange(ev) {
        this.state.companyId = parseInt(ev.target.value);
        await this.load();
    }

    format(card, value) {
        if (value === null || value === undefined || value === false) {
            return card.empty_label;
        }
        switch (card.format) {
            case "monetary":
                return formatMonetary(value, { currencyId: this.state.data.currency_id, digits: [16, 0] });
            case "percent":
                return formatPercentage(value, { digits: [16, 1] });
            case "days":
                return _t("%s days", formatFloat(value, { digits: [16, 0] }));
            case "months":
                return _t("%s months", formatFloat(value, { digits: [16, 1] }));
            case "index":
                return formatFloat(value, { digits: [16, 1] });
            default:
                return formatFloat(value, { digits: [16, 0] });
        }
    }

    /** The company and period shown, as one sentence of the user's language with the user's date format. */
    get periodText() {
        const data = this.state.data;
        return _t("%(company)s, from %(date_from)s to %(date_to)s", {
            company: data.company.name,
            date_from: formatDate(deserializeDate(data.date_from)),
            date_to: formatDate(deserializeDate(data.date_to)),
        });
    }

    previousText(card) {
        return _t("previous period: %(value)s", { value: this.format(card, card.previous) });
    }

    deltaText(card) {
        if (card.delta_relative === null || card.delta_relative === undefined) {
            return "";
        }
        const sign = card.delta_relative > 0 ? "+" : "";
        return `${sign}${formatPercentage(card.delta_relative, { digits: [16, 0] })}`;
    }

    deltaClass(card) {
        if (card.good === true) {
            return "text-success";
        }
        return card.good === false ? "text-danger" : "text-muted";
    }

    /** The trend's polylines: a month whose figure was undefined (no runway when not burning) is a gap. */
    sparklines(card) {
        const defined = card.trend.filter((v) => v !== null);
        if (defined.length < 2) {
            return [];
        }
        const min = Math.min(...defined);
        const span = Math.max(...defined) - min || 1;
        const step = 100 / (card.trend.length - 1);
        const lines = [[]];
        card.trend.forEach((v, i) => {
            if (v === null) {
                lines.push([]);
            } else {
                lines.at(-1).push(`${(i * step).toFixed(1)},${(28 - ((v - min) / span) * 26).toFixed(1)}`);
            }
        });
        return lines.filter((points) => points.length > 1).map((points) => points.join(" "));
    }

    async openCard(card) {
        const action = await this.orm.call("fb.kpi.snapshot", "get_card_action", [card.key], {
            company_id: this.state.companyId,
        });
        await this.action.doAction(action);
    }
}

registry.category("actions").add("founder_backoffice.dashboard", FounderDashboard);
