import { Component, onWillStart, onWillUnmount, useEffect, useRef } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { localization } from "@web/core/l10n/localization";

/**
 * One Chart.js chart, loaded the way Odoo's graph view loads it. `config()` returns the chart's type, data and
 * options; right to left, the time axis runs from the right and the legend and tooltips are mirrored.
 */
export class FounderChart extends Component {
    static template = "founder_backoffice.FounderChart";
    static props = { config: Function, title: String, name: String, onClick: { type: Function, optional: true } };

    setup() {
        this.canvasRef = useRef("canvas");
        this.chart = null;
        onWillStart(() => loadBundle("web.chartjs_lib"));
        useEffect(() => {
            this.chart?.destroy();
            const config = this.props.config();
            const rtl = localization.direction === "rtl";
            config.options = {
                responsive: true,
                maintainAspectRatio: false,
                animation: false,
                ...config.options,
                plugins: {
                    ...config.options?.plugins,
                    legend: {
                        position: "bottom",
                        rtl,
                        textDirection: rtl ? "rtl" : "ltr",
                        labels: { boxWidth: 12, font: { size: 11 } },
                    },
                    tooltip: { rtl, textDirection: rtl ? "rtl" : "ltr", ...config.options?.plugins?.tooltip },
                },
            };
            const scales = config.options.scales || {};
            config.options.scales = {
                ...scales,
                x: { ...scales.x, reverse: rtl },
                y: { ...scales.y, position: rtl ? "right" : "left" },
            };
            if (this.props.onClick) {
                config.options.onClick = (event, elements) => {
                    if (elements.length) {
                        this.props.onClick(elements[0].index);
                    }
                };
                config.options.onHover = (event, elements) => {
                    event.native.target.style.cursor = elements.length ? "pointer" : "default";
                };
            }
            this.chart = new Chart(this.canvasRef.el, config);
        });
        onWillUnmount(() => this.chart?.destroy());
    }
}
