// The portal's own ECharts build: only what static/js/dashboard.js draws (bar, line and pie charts with
// grid, tooltip, legend and the aria component for decals and descriptions; canvas renderer; the
// Chinese locale comes with echarts/core). Built into echarts.portal.min.js, see README.md here.
import * as echarts from "echarts/core";
import { BarChart, LineChart, PieChart } from "echarts/charts";
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, LineChart, PieChart, AriaComponent, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);
window.echarts = echarts;
