// ECharts, with only the parts the pages use (a smaller bundle), set up for the page's language:
// its font, numbers in its digits, and for right-to-left pages a mirrored x axis and the value
// axis on the right.
import { BarChart, HeatmapChart, LineChart, PieChart } from "echarts/charts";
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import type { I18n } from "./i18n";

echarts.use([
  BarChart,
  HeatmapChart,
  LineChart,
  PieChart,
  AriaComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type Option = echarts.EChartsCoreOption;
export const PALETTE = ["#0b57a4", "#d9822b", "#2f8f5b", "#8a4fb8", "#c23b4f", "#4a5468"];

// Every chart of the page, so that leaving the page frees them and a resize redraws them.
export class Charts {
  private readonly all: echarts.ECharts[] = [];

  constructor(private readonly i18n: I18n) {}

  // A chart in `container` (given an accessible name; the canvas itself is an image).
  draw(container: HTMLElement, label: string, option: Option): echarts.ECharts {
    container.setAttribute("role", "img");
    container.setAttribute("aria-label", label);
    const chart = echarts.init(container, undefined, { renderer: "canvas" });
    const font = getComputedStyle(document.body).fontFamily;
    chart.setOption({
      color: PALETTE,
      animationDuration: 300,
      textStyle: { fontFamily: font },
      aria: { enabled: true, label: { description: label } },
      tooltip: { trigger: "axis", confine: true },
      ...option,
    });
    this.all.push(chart);
    return chart;
  }

  resize(): void {
    for (const c of this.all) c.resize();
  }

  dispose(): void {
    for (const c of this.all) c.dispose();
    this.all.length = 0;
  }

  // A category axis along the bottom, mirrored for right-to-left pages.
  categories(labels: string[], name?: string): Record<string, unknown> {
    return {
      type: "category",
      data: labels,
      name,
      nameLocation: "middle",
      nameGap: 28,
      inverse: this.i18n.dir === "rtl",
      axisLabel: { hideOverlap: true },
    };
  }

  // A value axis on the reading side's start, its numbers in the page's digits.
  values(format: (v: number) => string = (v) => this.i18n.number(v)): Record<string, unknown> {
    return {
      type: "value",
      position: this.i18n.dir === "rtl" ? "right" : "left",
      axisLabel: { formatter: format },
    };
  }

  grid(): Record<string, unknown> {
    return { left: 16, right: 16, top: 40, bottom: 36, containLabel: true };
  }
}
