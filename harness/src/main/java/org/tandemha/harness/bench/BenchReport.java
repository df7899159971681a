package org.tandemha.harness.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ops/bench --report FILE.html}: one self-contained page (no script, no network) an operator opens in a
 * browser — every benchmark line as a table, and the timeline of the first failover_20vm run: each journaled decision
 * of the surviving node at its second after the master lost power.
 */
public final class BenchReport {
  private BenchReport() {}

  /** One event of the timeline: seconds after the power loss, its type, what it concerns. */
  record Mark(double at, String type, String detail) {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: BenchReport RESULTS.jsonl TIMELINE.tsv OUT.html");
      System.exit(2);
    }
    List<String> results = Files.exists(Path.of(args[0])) ? Files.readAllLines(Path.of(args[0])) : List.of();
    List<Mark> marks = new ArrayList<>();
    if (Files.exists(Path.of(args[1]))) {
      for (String l : Files.readAllLines(Path.of(args[1]))) {
        String[] f = l.split("\t", 3);
        if (f.length == 3) marks.add(new Mark(Double.parseDouble(f[0]), f[1], f[2]));
      }
    }
    Files.writeString(Path.of(args[2]), html(results, marks), StandardCharsets.UTF_8);
    System.err.println("bench: report written to " + args[2]);
  }

  static String html(List<String> results, List<Mark> marks) throws Exception {
    StringBuilder b = new StringBuilder("""
        <!DOCTYPE html><html><head><meta charset="utf-8"><title>Tandem benchmarks</title>
        <style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}
        td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#eee}
        .note{color:#666;font-size:90%}</style></head><body>
        <h1>Tandem benchmarks</h1>
        <p class="note">From <code>ops/bench</code> on the simulated pool (node JVMs, production default timers).</p>
        <h2>Results</h2><table><tr><th>benchmark</th><th>figures</th></tr>
        """);
    ObjectMapper json = new ObjectMapper();
    for (String r : results) {
      if (r.isBlank()) continue;
      JsonNode n = json.readTree(r);
      StringBuilder figures = new StringBuilder();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        var e = it.next();
        if (e.getKey().equals("bench")) continue;
        figures.append(escape(e.getKey())).append(" = <b>").append(escape(e.getValue().asText())).append("</b>  ");
      }
      b.append("<tr><td>").append(escape(n.path("bench").asText())).append("</td><td>").append(figures)
          .append("</td></tr>\n");
    }
    b.append("</table>\n<h2>Timeline of a takeover (failover_20vm, first run)</h2>\n");
    if (marks.isEmpty()) {
      b.append("<p>No timeline recorded.</p>");
    } else {
      b.append(svg(marks));
      b.append("<table><tr><th>second</th><th>decision</th><th>concerning</th></tr>\n");
      for (Mark m : marks) {
        b.append(String.format(Locale.ROOT, "<tr><td>%.2f</td><td>%s</td><td>%s</td></tr>%n", m.at(),
            escape(m.type()), escape(m.detail())));
      }
      b.append("</table>");
    }
    return b.append("</body></html>\n").toString();
  }

  /** Events as labelled rows on a time axis; the VM restarts share one row of ticks. */
  static String svg(List<Mark> marks) {
    double end = Math.max(1, marks.stream().mapToDouble(Mark::at).max().orElse(1)) * 1.05;
    List<Mark> steps = marks.stream().filter(m -> !m.type().equals("VmRestarted")).toList();
    List<Mark> restarts = marks.stream().filter(m -> m.type().equals("VmRestarted")).toList();
    int left = 230;
    int width = 900;
    int row = 22;
    int height = (steps.size() + 2) * row + 40;
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-size=\"12\">%n", left + width + 20,
        height));
    for (int t = 0; t <= end; t += end > 60 ? 10 : 5) {
      double x = left + width * t / end;
      s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"10\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
          + "<text x=\"%.1f\" y=\"%d\" fill=\"#666\">%ds</text>%n", x, x, height - 25, x - 6, height - 8, t));
    }
    int y = 20;
    for (Mark m : steps) {
      double x = left + width * m.at() / end;
      s.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\">%s</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" "
              + "height=\"10\" fill=\"#9ecae1\"/><circle cx=\"%.1f\" cy=\"%d\" r=\"5\" fill=\"#08519c\"/>%n",
          y + 4, escape(m.type()), left, y - 5, Math.max(0, x - left), x, y));
      y += row;
    }
    s.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\">VmRestarted (%d)</text>%n", y + 4, restarts.size()));
    for (Mark m : restarts) {
      double x = left + width * m.at() / end;
      s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#31a354\" "
          + "stroke-width=\"2\"/>%n", x, y - 7, x, y + 7));
    }
    return s.append("</svg>\n").toString();
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
