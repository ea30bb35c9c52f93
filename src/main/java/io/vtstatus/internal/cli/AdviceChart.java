package io.vtstatus.internal.cli;

import java.util.List;
import java.util.Locale;

/**
 * The chart {@code vtstatus advise --svg} writes: a histogram of the job durations with the
 * smoothed estimate over it, and beneath, one row per schedule marking when it polls a job that
 * is still running. Hand-written SVG 1.1 (no dependency) that any browser opens; every series is
 * a {@code <g class="series" data-schedule="…">}, so tests and scripts can find them.
 */
final class AdviceChart {
  static final int WIDTH = 960;
  static final int LEFT = 150;
  static final int RIGHT = 30;
  static final int TOP = 60;
  static final int PLOT_HEIGHT = 220;
  static final int ROW = 28;
  static final int BARS = 60;
  static final String[] COLORS = {"#222222", "#1f77b4", "#ff7f0e", "#9467bd", "#2ca02c", "#d62728",
      "#8c564b", "#e377c2"};

  private AdviceChart() {}

  static String svg(Advice a, String file) {
    double xmax = Advice.chartEnd(a.durations);
    int plotW = WIDTH - LEFT - RIGHT;
    List<Advice.Row> rows = a.rows;
    int rowsTop = TOP + PLOT_HEIGHT + 72;
    int legendTop = rowsTop + rows.size() * ROW + 30;
    int height = legendTop + rows.size() * 20 + 20;

    // Histogram: share of jobs per second in each bar, over [0, xmax].
    double width = xmax / BARS;
    double[] density = new double[BARS];
    for (double d : a.durations) {
      int i = (int) Math.floor(d / width);
      if (i >= 0 && i < BARS) {
        density[i] += 1.0 / (a.durations.length * width);
      }
    }
    double ymax = 0;
    for (double v : density) {
      ymax = Math.max(ymax, v);
    }
    double[] curve = new double[241];
    for (int j = 0; j < curve.length; j++) {
      double t = xmax * j / (curve.length - 1);
      curve[j] = a.model.pdf(t);
      ymax = Math.max(ymax, curve[j]);
    }
    double yStep = niceStep(ymax, 5);
    double ytop = Math.max(yStep, Math.ceil(ymax / yStep) * yStep);
    double xStep = niceStep(xmax, 8);

    StringBuilder b = new StringBuilder(20_000);
    b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    b.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
            + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
        WIDTH, height, WIDTH, height));
    String title = String.format(Locale.ROOT, "%d job durations from %s, and when each schedule polls",
        a.durations.length, file);
    b.append("  <title>").append(esc(title)).append("</title>\n");
    b.append("  <desc>vtstatus advise: histogram of observed durations with the smoothed estimate; "
        + "below, the poll instants of each schedule for a job still running.</desc>\n");
    b.append("  <rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(height)
        .append("\" fill=\"#ffffff\"/>\n");
    b.append(String.format(Locale.ROOT, "  <text x=\"%d\" y=\"28\" font-size=\"16\" font-weight=\"bold\">%s</text>%n",
        LEFT, esc(title)));

    // Axes, ticks and grid.
    int x0 = LEFT;
    int y0 = TOP + PLOT_HEIGHT;
    b.append("  <g class=\"axes\" stroke=\"#444444\" fill=\"none\">\n");
    b.append(String.format(Locale.ROOT, "    <line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>%n", x0, y0, x0 + plotW, y0));
    b.append(String.format(Locale.ROOT, "    <line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>%n", x0, TOP, x0, y0));
    b.append("  </g>\n  <g class=\"ticks\" font-size=\"11\" fill=\"#444444\">\n");
    for (double x = 0; x <= xmax * (1 + 1e-9); x += xStep) {
      double px = x0 + x / xmax * plotW;
      b.append(String.format(Locale.ROOT,
          "    <line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#444444\"/>"
              + "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#dddddd\"/>"
              + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
          px, y0, px, y0 + 5, px, rowsTop - 10, px, rowsTop + rows.size() * ROW, px, y0 + 18, tick(x, xStep)));
    }
    for (double y = 0; y <= ytop * (1 + 1e-9); y += yStep) {
      double py = y0 - y / ytop * PLOT_HEIGHT;
      b.append(String.format(Locale.ROOT,
          "    <line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#444444\"/>"
              + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
          x0 - 5, py, x0, py, x0 - 8, py + 4, tick(y, yStep)));
    }
    b.append("  </g>\n");
    b.append(String.format(Locale.ROOT,
        "  <text class=\"axis-label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">time since the job started (seconds)</text>%n",
        x0 + plotW / 2, y0 + 38));
    b.append(String.format(Locale.ROOT,
        "  <text class=\"axis-label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 %d %d)\">"
            + "share of jobs per second</text>%n",
        40, TOP + PLOT_HEIGHT / 2, 40, TOP + PLOT_HEIGHT / 2));

    // The histogram and the smoothed estimate.
    b.append("  <g class=\"histogram\" fill=\"#c7d7ea\" stroke=\"#8aa6c8\" stroke-width=\"0.5\">\n");
    for (int i = 0; i < BARS; i++) {
      if (density[i] <= 0) {
        continue;
      }
      double h = density[i] / ytop * PLOT_HEIGHT;
      b.append(String.format(Locale.ROOT, "    <rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>%n",
          x0 + i * width / xmax * plotW, y0 - h, width / xmax * plotW, h));
    }
    b.append("  </g>\n  <path class=\"estimate\" fill=\"none\" stroke=\"#1f3b63\" stroke-width=\"1.5\" d=\"");
    for (int j = 0; j < curve.length; j++) {
      b.append(String.format(Locale.ROOT, "%s%.1f %.1f ", j == 0 ? "M" : "L",
          x0 + (double) j / (curve.length - 1) * plotW, y0 - curve[j] / ytop * PLOT_HEIGHT));
    }
    b.append("\"/>\n");
    b.append(String.format(Locale.ROOT,
        "  <text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#444444\">polls of a job still running at that time:</text>%n",
        x0, rowsTop - 10));

    // One series per schedule: its row, its poll instants.
    for (int k = 0; k < rows.size(); k++) {
      Advice.Row r = rows.get(k);
      String color = COLORS[k % COLORS.length];
      int cy = rowsTop + k * ROW + ROW / 2;
      b.append(String.format(Locale.ROOT, "  <g class=\"series\" data-schedule=\"%s\" stroke=\"%s\" fill=\"%s\">%n",
          esc(r.name()), color, color));
      b.append(String.format(Locale.ROOT,
          "    <text x=\"%d\" y=\"%d\" text-anchor=\"end\" stroke=\"none\">%s</text>%n", x0 - 8, cy + 4, esc(r.name())));
      b.append(String.format(Locale.ROOT,
          "    <line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke-opacity=\"0.3\"/>%n", x0, cy, x0 + plotW, cy));
      for (double t : r.marks()) {
        double px = x0 + t / xmax * plotW;
        b.append(String.format(Locale.ROOT, "    <line class=\"poll\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke-width=\"1.5\"/>%n",
            px, cy - 8, px, cy + 8));
      }
      b.append("  </g>\n");
    }

    // Legend: what each row is and what it costs.
    b.append("  <g class=\"legend\" font-size=\"12\">\n");
    for (int k = 0; k < rows.size(); k++) {
      Advice.Row r = rows.get(k);
      int ly = legendTop + k * 20;
      b.append(String.format(Locale.ROOT,
          "    <rect x=\"%d\" y=\"%d\" width=\"14\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>%n",
          x0, ly - 9, COLORS[k % COLORS.length], x0 + 20, ly,
          esc(String.format(Locale.ROOT, "%s (%s): %.3f s per job, %.2fx the floor, %.2f polls, %s mean delay",
              r.name(), r.config(), r.cost(), r.ratio(), r.pollsPerJob(), Advice.seconds(r.meanDelay())))));
    }
    b.append("  </g>\n</svg>\n");
    return b.toString();
  }

  /** A step of 1, 2 or 5 × 10^k giving about {@code target} ticks over {@code range}. */
  static double niceStep(double range, int target) {
    double raw = range / target;
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    double m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
  }

  private static String tick(double v, double step) {
    int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) + 1e-9));
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&': b.append("&amp;"); break;
        case '<': b.append("&lt;"); break;
        case '>': b.append("&gt;"); break;
        case '"': b.append("&quot;"); break;
        case '\'': b.append("&apos;"); break;
        default:
          // Characters XML 1.0 cannot hold at all become '?'.
          b.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xFFFE || c == 0xFFFF ? '?' : c);
      }
    }
    return b.toString();
  }
}
