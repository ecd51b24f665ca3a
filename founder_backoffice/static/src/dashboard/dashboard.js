import { Component, onWillStart, useState } from "@odoo/owl";
import { cookie } from "@web/core/browser/cookie";
import { getColor } from "@web/core/colors/colors";
import { deserializeDate, deserializeDateTime, formatDate, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatFloat, formatMonetary, formatPercentage } from "@web/views/fields/formatters";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { FounderChart } from "./chart";

const { DateTime } = luxon;

// money in and out; the series of the aging layout from "not yet due" to the oldest, then the unapplied credits
const IN_COLOR = "#28a745";
const OUT_COLOR = "#dc3545";
// the 80 % range of the expected receipts: its edges and the band between them
const RANGE_COLOR = "rgba(40, 167, 69, 0.5)";
const RANGE_FILL = "rgba(40, 167, 69, 0.15)";
const AGE_COLORS = ["#adb5bd", "#ffc107", "#fd7e14", "#dc3545", "#a71d2a", "#5c1017", "#17a2b8"];

/**
 * The founder dashboard: every KPI card of a period in one RPC, each opening the records behind it, and the
 * charts: the 13-week cash forecast (a week opens its invoices and bills) and the last twelve stored months.
 */
export class FounderDashboard extends Component {
    static template = "founder_backoffice.FounderDashboard";
    static components = { FounderChart };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        // the server's default period until the first answer says which it is
        this.state = useState({ data: null, period: undefined, companyId: null, loading: true });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.loading = true;
        this.state.data = await this.orm.call("fb.dashboard.figures", "get_dashboard", [], {
            period: this.state.period,
            company_id: this.state.companyId,
        });
        this.state.companyId = this.state.data.company.id;
        this.state.period = this.state.data.period;
        this.state.loading = false;
    }

    /** The period menu: `[kind, label]` as the server declares them. */
    get periods() {
        return this.state.data ? this.state.data.periods : [];
    }

    /** Computes the figures the job keeps for the company again, now, then shows them. */
    async onRefresh() {
        this.state.loading = true;
        await this.orm.call("fb.dashboard.figures", "action_refresh_figures", [], { company_id: this.state.companyId });
        await this.load();
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
                // the unit is in the card's label ("DSO (days)"): a number followed by its noun needs the
                // number's agreement, which one translated string cannot give in Arabic
                return formatFloat(value, { digits: [16, 0] });
            case "months":
                return formatFloat(value, { digits: [16, 1] });
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

    /** When the figures shown were computed ahead (or last found current by the job) and how long ago by the
     * server's clock; stale ones are served while the job computes them again. */
    get computedText() {
        const data = this.state.data;
        const values = {
            datetime: formatDateTime(deserializeDateTime(data.computed_at)),
            age: DateTime.now().minus({ seconds: data.age }).toRelative(),
        };
        return data.stale
            ? _t("Figures of %(datetime)s (%(age)s), being updated", values)
            : _t("Figures of %(datetime)s (%(age)s)", values);
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

    get charts() {
        return [
            { name: "cash", title: _t("Cash and net burn"), config: () => this.cashChart() },
            { name: "aging", title: _t("Receivables by age"), config: () => this.agingChart() },
            { name: "invoiced", title: _t("Invoiced and collected"), config: () => this.invoicedChart() },
            { name: "dso", title: _t("DSO (days)"), config: () => this.dsoChart() },
        ];
    }

    color(index) {
        return getColor(index, cookie.get("color_scheme"));
    }

    money(value) {
        return formatMonetary(value, { currencyId: this.state.data.currency_id, digits: [16, 0] });
    }

    monthLabels() {
        return this.state.data.history.months.map((month) =>
            deserializeDate(month).toLocaleString({ month: "short", year: "2-digit" })
        );
    }

    /** A dataset of the stored months' series `key`, labelled as the KPI, drawn in `color`. */
    monthly(key, color = this.color(0), options = {}) {
        const history = this.state.data.history;
        return {
            label: history.labels[key],
            data: history.series[key],
            borderColor: color,
            backgroundColor: color,
            ...options,
        };
    }

    moneyAxis() {
        return { y: { ticks: { callback: (value) => this.money(value) } } };
    }

    forecastChart() {
        const weeks = this.state.data.forecast.weeks;
        return {
            type: "bar",
            data: {
                labels: weeks.map((week) => formatDate(deserializeDate(week.start))),
                datasets: [
                    {
                        type: "line",
                        label: _t("Cash at the end of the week"),
                        data: weeks.map((week) => week.closing),
                        borderColor: this.color(0),
                        backgroundColor: this.color(0),
                    },
                    ...this.rangeDatasets(
                        weeks.map((week) => week.receipts_low),
                        weeks.map((week) => week.receipts_high)
                    ),
                    {
                        label: _t("Expected receipts"),
                        data: weeks.map((week) => week.receipts),
                        backgroundColor: IN_COLOR,
                    },
                    {
                        label: _t("Bills and recurring outflows"),
                        data: weeks.map((week) => -(week.bills + week.recurring)),
                        backgroundColor: OUT_COLOR,
                    },
                ],
            },
            options: { scales: this.moneyAxis(), interaction: { mode: "index", intersect: false } },
        };
    }

    /** The 80 % range of the receipts as two lines with the band between them filled (the high one fills down to
     * the low one, the dataset before it). */
    rangeDatasets(low, high) {
        const line = { type: "line", pointRadius: 0, borderWidth: 1, borderColor: RANGE_COLOR };
        return [
            { ...line, label: _t("Receipts, low end of the 80 % range"), data: low, fill: false },
            {
                ...line,
                label: _t("Receipts, high end of the 80 % range"),
                data: high,
                fill: "-1",
                backgroundColor: RANGE_FILL,
            },
        ];
    }

    /** The last finished weeks: what the forecast of the Sunday before expected, with its range, and what came in. */
    accuracyChart() {
        const weeks = this.state.data.accuracy.weeks;
        return {
            type: "bar",
            data: {
                labels: weeks.map((week) => formatDate(deserializeDate(week.start))),
                datasets: [
                    ...this.rangeDatasets(
                        weeks.map((week) => week.low),
                        weeks.map((week) => week.high)
                    ),
                    {
                        type: "line",
                        label: _t("Expected receipts"),
                        data: weeks.map((week) => week.expected),
                        borderColor: this.color(0),
                        backgroundColor: this.color(0),
                    },
                    {
                        label: _t("Received"),
                        data: weeks.map((week) => week.received),
                        backgroundColor: IN_COLOR,
                    },
                ],
            },
            options: { scales: this.moneyAxis(), interaction: { mode: "index", intersect: false } },
        };
    }

    /** The running accuracy of the forecast in one sentence, figures computed by the server. */
    get accuracyText() {
        const accuracy = this.state.data.accuracy;
        if (!accuracy.count) {
            return _t("No week over yet: the forecast is frozen every Monday and compared once the week is over.");
        }
        if (accuracy.wape === null) {
            return _t("Weeks over: %(weeks)s. Nothing came in yet: no error to measure.", { weeks: accuracy.count });
        }
        const percent = (value) => formatPercentage(value, { digits: [16, 0] });
        return _t(
            "Weeks over: %(weeks)s. Off by %(wape)s of what came in (WAPE), bias %(bias)s. Inside the 80 % range: %(inside)s.",
            {
                weeks: accuracy.count,
                wape: percent(accuracy.wape),
                bias: `${accuracy.bias > 0 ? "+" : ""}${percent(accuracy.bias)}`,
                inside: accuracy.in_range,
            }
        );
    }

    cashChart() {
        return {
            type: "bar",
            data: {
                labels: this.monthLabels(),
                datasets: [this.monthly("cash", this.color(0), { type: "line" }), this.monthly("burn", OUT_COLOR)],
            },
            options: { scales: this.moneyAxis() },
        };
    }

    /** Receivables by age in the aging report's layout, the unapplied credits as a series of their own. */
    agingChart() {
        const keys = this.state.data.history.aging;
        return {
            type: "bar",
            data: {
                labels: this.monthLabels(),
                datasets: keys.map((key, index) => this.monthly(key, AGE_COLORS[index])),
            },
            options: { scales: { x: { stacked: true }, y: { ...this.moneyAxis().y, stacked: true } } },
        };
    }

    invoicedChart() {
        return {
            type: "bar",
            data: {
                labels: this.monthLabels(),
                datasets: [this.monthly("invoiced"), this.monthly("collected", IN_COLOR)],
            },
            options: { scales: this.moneyAxis() },
        };
    }

    dsoChart() {
        return {
            type: "line",
            data: { labels: this.monthLabels(), datasets: [this.monthly("dso", this.color(4))] },
            options: {},
        };
    }

    /** The week the forecast's sentence is about: where cash runs out, else the lowest. */
    get forecastKeyWeek() {
        const forecast = this.state.data.forecast;
        return forecast.cash_out ?? forecast.lowest;
    }

    async openForecastWeek(week) {
        const action = await this.orm.call("fb.dashboard.figures", "get_forecast_week_action", [week], {
            company_id: this.state.companyId,
        });
        await this.action.doAction(action);
    }

    async openCard(card) {
        const action = await this.orm.call("fb.dashboard.figures", "get_card_action", [card.key], {
            company_id: this.state.companyId,
        });
        await this.action.doAction(action);
    }
}

registry.category("actions").add("founder_backoffice.dashboard", FounderDashboard);
