package org.tandemha.actors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tandemha.actors.port.PoolConfig;
import org.tandemha.protocol.Admin;

/**
 * {@code tandem config …} (issue #9 items 4-6): {@code get} shows each parameter's value and where it comes from
 * (default, pool, this host's file); {@link #plan} checks a batch of changes — set, restore, reset-defaults,
 * import-halizard — value by value against the ones before it, so either all pass and are written, or none is.
 */
public final class ConfigScreen {
  private ConfigScreen() {}

  public static Admin.Reply get(List<PoolConfig.Entry> entries, String name) {
    List<PoolConfig.Entry> shown = name.isBlank() ? entries
        : entries.stream().filter(e -> e.name().equalsIgnoreCase(name.strip())).toList();
    if (shown.isEmpty()) {
      return new Admin.Reply(2, List.of("Parameter name " + name + " not found; `tandem config get` lists them"));
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (PoolConfig.Entry e : shown) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", e.name());
      row.put("value", e.value());
      row.put("source", e.source());
      row.put("live", e.live());
      row.put("meaning", e.meaning());
      rows.add(row);
    }
    List<String> lines = new ArrayList<>();
    if (shown.size() == 1) {
      PoolConfig.Entry e = shown.get(0);
      lines.add(e.name() + "=" + e.value());
      lines.add("  from: " + e.source() + (e.live() ? "" : "; a change takes effect when each node restarts"));
      lines.add("  " + e.meaning());
    } else {
      lines.add(String.format("%-24s %-24s %-8s", "NAME", "VALUE", "FROM"));
      shown.forEach(e -> lines.add(String.format("%-24s %-24s %-8s%s", e.name(), e.value(),
          e.source().startsWith("host file") ? "host" : e.source(), e.live() ? "" : "  (restart)")));
      lines.add("FROM: default < pool (tandem config set) < host (" + shown.stream().map(PoolConfig.Entry::source)
          .filter(s -> s.startsWith("host file")).findFirst().map(s -> s.substring("host file ".length()))
          .orElse("/etc/tandem/tandem.conf") + "); (restart): takes effect when each node restarts");
    }
    return new Admin.Reply(0, lines, Map.of("parameters", rows));
  }

  /** One key to write. */
  public record Change(String name, String key, String value) {}

  /**
   * @param problems non-empty: refuse all (exit 2)
   * @param notes    skipped entries and warnings, printed either way
   * @param done     printed after the write
   */
  public record Plan(List<Change> changes, List<String> problems, List<String> notes, List<String> done) {}

  public static Plan plan(PoolConfig config, Map<String, String> pool, Admin.ConfigSet s) {
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<String, String> wanted = new LinkedHashMap<>();
    switch (s.how()) {
      case "reset-defaults" -> config.defaults().forEach((n, v) -> {
        if (pool.containsKey(PoolConfig.PREFIX + n)) wanted.put(n, v);
      });
      case "import-halizard" -> {
        Map<String, String> from = new LinkedHashMap<>();
        pool.forEach((k, v) -> {
          if (k.startsWith("HA_")) from.put(k.substring(3), v);
        });
        s.values().forEach((k, v) -> from.put(k.toUpperCase(Locale.ROOT), v));   // the host's override file wins
        from.forEach((n, v) -> {
          if (config.isSecret(n)) {
            notes.add("skipped " + n + "=****: a secret is never kept in the pool database; put it in a 0600 file "
                + "(see README, Configuration)");
            return;
          }
          wanted.put(n, v);   // checked once, below: a name Tandem does not use is skipped there, not refused
        });
      }
      default -> wanted.putAll(s.values());
    }
    Map<String, String> next = new LinkedHashMap<>(pool);
    List<Change> changes = new ArrayList<>();
    List<String> done = new ArrayList<>();
    boolean anyLive = false;
    boolean importing = s.how().equals("import-halizard");
    int kept = 0;
    for (var w : wanted.entrySet()) {
      PoolConfig.Check c = config.check(next, w.getKey(), w.getValue());
      if (!c.ok() && importing && (c.problem().contains("not used by Tandem") || c.problem().contains("not found"))) {
        notes.add("skipped " + w.getKey() + ": " + c.problem());
        continue;
      }
      kept++;
      if (!c.ok()) {
        problems.add(c.problem());
        continue;
      }
      notes.addAll(c.warnings());
      if (c.value().equals(next.get(c.key()))) continue;
      next.put(c.key(), c.value());
      changes.add(new Change(c.name(), c.key(), c.value()));
      done.add("Successfully updated " + c.name() + " to value: " + (config.isSecret(c.name()) ? "****" : c.value())
          + (c.live() ? "" : " (takes effect when each node restarts: systemctl restart tandem)"));
      anyLive |= c.live();
    }
    if (importing && kept == 0) {
      notes.add("no HA-Lizard setting found (pool other-config HA_* keys, or the file given)");
    }
    if (!problems.isEmpty()) {
      List<String> all = new ArrayList<>(problems);
      all.add("nothing changed");
      return new Plan(List.of(), all, notes, List.of());
    }
    if (anyLive) done.add("every node applies it at its next pool event (within seconds, no restart)");
    return new Plan(changes, List.of(), notes, done);
  }
}
