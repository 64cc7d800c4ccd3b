/* 全景呈现: draws the charts of the statistics pages with Apache ECharts (static/vendor/echarts).
 *
 * The numbers come from the page itself (a <script type="application/json" id="dashboard-charts">
 * written by Django's json_script), the same numbers as the table above each chart. Without
 * JavaScript the charts stay hidden and the tables carry everything. Series are told apart by
 * pattern (ECharts decals) and by legend text, not by colour alone.
 */
(function () {
  "use strict";

  // The tables come first and carry every number; ECharts (static/vendor/echarts, a build of only the
  // charts used) is fetched when the first chart's section comes near the screen, and the charts are
  // drawn one per task, so that the page stays responsive while they appear.
  var script = document.currentScript;
  var ECHARTS_URL = script && script.dataset.echarts;
  var source = document.getElementById("dashboard-charts");
  if (!source || (!ECHARTS_URL && typeof window.echarts === "undefined")) {
    return;
  }
  var specs;
  try {
    specs = JSON.parse(source.textContent);
  } catch (e) {
    return;
  }

  var PALETTE = ["#1f5fa8", "#c0392b", "#2e7d32", "#8e44ad", "#b8860b", "#00838f"];

  function unitAxes(series) {
    var units = [];
    series.forEach(function (s) {
      if (units.indexOf(s.unit) === -1) {
        units.push(s.unit);
      }
    });
    return units.slice(0, 2);
  }

  // Narrow screens with many categories: horizontal bars, one row per label, so that no label
  // has to be rotated or squeezed.
  function horizontal(spec, el) {
    return spec.type === "bar" && spec.labels.length > 8 && el.clientWidth < 700;
  }

  function cartesian(spec, el) {
    var units = unitAxes(spec.series);
    var many = spec.labels.length > 8;
    var flip = horizontal(spec, el);
    var values = units.map(function (unit, i) {
      return {
        type: "value",
        name: unit,
        position: flip ? (i === 0 ? "bottom" : "top") : i === 0 ? "left" : "right",
        splitLine: { show: i === 0 },
      };
    });
    var labels = {
      type: "category",
      data: spec.labels,
      inverse: flip,
      axisLabel: { interval: 0, rotate: many && !flip ? 40 : 0 },
    };
    var option = {
      grid: flip
        ? { left: 8, right: 24, top: units.length > 1 ? 72 : 48, bottom: 32, containLabel: true }
        : { left: 56, right: units.length > 1 ? 64 : 24, top: 48, bottom: many ? 96 : 40 },
      series: spec.series.map(function (s) {
        var axis = Math.max(0, units.indexOf(s.unit));
        var serie = {
          name: s.name,
          type: spec.type === "line" ? "line" : "bar",
          data: s.data,
          symbol: "circle",
          symbolSize: 6,
          emphasis: { focus: "series" },
        };
        serie[flip ? "xAxisIndex" : "yAxisIndex"] = axis;
        return serie;
      }),
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: spec.series.map(function (s) { return s.name; }) },
    };
    option.xAxis = flip ? values : labels;
    option.yAxis = flip ? labels : values;
    return option;
  }

  function height(spec, el) {
    if (spec.type === "pie") {
      return 300;
    }
    if (horizontal(spec, el)) {
      return 110 + spec.labels.length * spec.series.length * 16;
    }
    return 340;
  }

  function pie(spec) {
    var s = spec.series[0];
    return {
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      legend: { top: 0 },
      series: [
        {
          name: s.name,
          type: "pie",
          radius: ["30%", "62%"],
          top: 24,
          label: { formatter: "{b}：{c}" },
          data: spec.labels.map(function (label, i) {
            return { name: label, value: s.data[i] };
          }),
        },
      ],
    };
  }

  function draw(chart, spec, el) {
    var option = spec.type === "pie" ? pie(spec) : cartesian(spec, el);
    option.color = PALETTE;
    option.textStyle = { fontFamily: "inherit" };
    option.aria = {
      enabled: true,
      decal: { show: true },
      label: { description: spec.title + "的图表；具体数字见上方表格。" },
    };
    chart.setOption(option, true);
  }

  var charts = [];
  function start(spec, el) {
    el.hidden = false;
    el.style.height = height(spec, el) + "px";
    el.setAttribute("role", "img");
    var chart = window.echarts.init(el, null, { locale: "ZH", renderer: "canvas" });
    draw(chart, spec, el);
    charts.push({ chart: chart, spec: spec, el: el });
  }

  var queue = [];
  var draining = false;
  function drain() {
    var next = queue.shift();
    if (!next) {
      draining = false;
      return;
    }
    draining = true;
    start(next.spec, next.el);
    window.setTimeout(drain, 0);
  }

  var loading = null;
  function withECharts(then) {
    if (typeof window.echarts !== "undefined") {
      then();
      return;
    }
    if (!loading) {
      loading = [];
      var tag = document.createElement("script");
      tag.src = ECHARTS_URL;
      tag.onload = function () {
        loading.forEach(function (fn) { fn(); });
      };
      document.head.appendChild(tag);
    }
    loading.push(then);
  }

  function enqueue(item) {
    queue.push(item);
    withECharts(function () {
      if (!draining) drain();
    });
  }

  var items = [];
  specs.forEach(function (spec) {
    var el = document.getElementById("chart-" + spec.id);
    if (el) {
      items.push({ spec: spec, el: el, near: el.closest("section") || el.parentElement });
    }
  });
  if (typeof window.IntersectionObserver === "undefined") {
    items.forEach(enqueue);
  } else {
    var observer = new window.IntersectionObserver(
      function (entries) {
        entries.forEach(function (entry) {
          if (!entry.isIntersecting) return;
          observer.unobserve(entry.target);
          items.forEach(function (item) {
            if (item.near === entry.target && !item.queued) {
              item.queued = true;
              enqueue(item);
            }
          });
        });
      },
      { rootMargin: "200px 0px" }
    );
    items.forEach(function (item) { observer.observe(item.near); });
  }

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) {
      window.clearTimeout(pending);
    }
    pending = window.setTimeout(function () {
      charts.forEach(function (c) {
        c.el.style.height = height(c.spec, c.el) + "px";
        c.chart.resize();
        draw(c.chart, c.spec, c.el);
      });
    }, 150);
  });
})();
