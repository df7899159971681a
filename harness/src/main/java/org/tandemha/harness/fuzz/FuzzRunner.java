package org.tandemha.harness.fuzz;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code tandem harness fuzz --seed S --schedules N} (issue #10 item 4): N random pools and fault schedules played in
 * {@link FuzzWorld}'s simulated time, the invariants checked after every step; each violation is shrunk (faults
 * dropped one at a time while it still fails) and written as a scenario directory that {@code tandem harness run}
 * plays on node JVMs. Ends with {@code fuzz: schedules=N violations=V seed=S}.
 */
public final class FuzzRunner {
  private FuzzRunner() {}

  public record Found(FuzzSchedule original, FuzzSchedule shrunk, List<String> violations, List<String> log) {}

  public record Summary(int schedules, List<Found> found, long millis) {
    public String line(long seed) {
      return "fuzz: schedules=" + schedules + " violations=" + found.size() + " seed=" + seed;
    }
  }

  public static Summary run(long seed, int schedules, Set<FuzzWorld.Sabotage> sabotage, PrintStream out) {
    long t0 = System.nanoTime();
    List<Found> found = new ArrayList<>();
    for (int i = 0; i < schedules; i++) {
      FuzzSchedule s = FuzzSchedule.random(seed, i);
      FuzzWorld w = new FuzzWorld(s, sabotage);
      List<String> v = w.run();
      if (v.isEmpty()) continue;
      FuzzSchedule small = shrink(s, sabotage);
      FuzzWorld again = new FuzzWorld(small, sabotage);
      List<String> sv = again.run();
      found.add(new Found(s, small, sv, again.log()));
      out.println("fuzz: schedule " + i + " violated: " + sv.get(0));
      out.println("  pool and faults: " + s.describe());
      out.println("  shrunk to: " + small.describe());
    }
    return new Summary(schedules, found, (System.nanoTime() - t0) / 1_000_000);
  }

  /** Drops faults one at a time while the schedule still violates an invariant; the smallest such schedule. */
  static FuzzSchedule shrink(FuzzSchedule s, Set<FuzzWorld.Sabotage> sabotage) {
    FuzzSchedule best = s;
    boolean smaller = true;
    while (smaller) {
      smaller = false;
      for (int i = 0; i < best.faults().size(); i++) {
        List<FuzzSchedule.Fault> fewer = new ArrayList<>(best.faults());
        fewer.remove(i);
        FuzzSchedule candidate = best.withFaults(fewer);
        if (!new FuzzWorld(candidate, sabotage).run().isEmpty()) {
          best = candidate;
          smaller = true;
          break;
        }
      }
    }
    return best;
  }

  /** The shrunk schedule as a scenario directory for {@code tandem harness run DIR --update} on node JVMs. */
  public static Path writeScenario(Found f, Path root) throws IOException {
    FuzzSchedule s = f.shrunk();
    Path dir = root.resolve(s.name());
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("README"), "Found by tandem harness fuzz --seed " + s.seed() + " (schedule "
        + s.index() + "): " + f.violations().get(0) + "\n", StandardCharsets.UTF_8);
    StringBuilder pool = new StringBuilder("hosts = [ ");
    for (int h = 0; h < s.hosts(); h++) pool.append(h == 0 ? "" : ", ").append("{ name = ")
        .append(FuzzSchedule.HOST_NAMES[h]).append(" }");
    pool.append(" ]\nmaster = xa\nwitnesses = ").append(s.witnesses()).append("\nvms = [\n");
    for (FuzzSchedule.Vm v : s.vms()) {
      pool.append("  { name = ").append(v.name()).append(", host = ").append(FuzzSchedule.HOST_NAMES[v.host()])
          .append(", ha = ").append(v.ha()).append(" }\n");
    }
    pool.append("]\n");
    List<String> config = new ArrayList<>();
    if (!s.heuristics()) config.add("tandem.ha.fence-use-ip-heuristics = 0");
    if (!s.powerFence()) {
      config.add("tandem.fence.method = POOL");
      config.add("tandem.sim.watchdog-timeout = " + FuzzWorld.WATCHDOG_MS / 1000 + "s");
    }
    if (!config.isEmpty()) pool.append("node-config = \"\"\"\n").append(String.join("\n", config)).append("\n\"\"\"\n");
    pool.append("golden = none   # found by the fuzz: the invariants and the liveness expectations are what count\n");
    Files.writeString(dir.resolve("pool.conf"), pool.toString(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("commands"), commands(s), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("events.expect"), "", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("fuzz.log"), String.join("\n", f.log()) + "\n", StandardCharsets.UTF_8);
    return dir;
  }

  static String commands(FuzzSchedule s) {
    StringBuilder b = new StringBuilder("wait 20   # the pool settles: every node hears every other\n");
    long t = 0;
    for (FuzzSchedule.Fault f : s.faults()) {
      if (f.at() > t) b.append(String.format(java.util.Locale.ROOT, "wait %.1f%n", (f.at() - t) / 1000.0));
      t = f.at();
      b.append(f.command()).append('\n');
    }
    b.append(String.format(java.util.Locale.ROOT, "wait %.1f%n", (FuzzSchedule.FAULT_WINDOW_MS - t) / 1000.0));
    b.append("heal\n");
    for (int h = 0; h < s.hosts(); h++) {
      String name = FuzzSchedule.HOST_NAMES[h];
      b.append("xapi ").append(name).append(" unhang\nfence-device ").append(name).append(" ok\npower ").append(name)
          .append(" on\n");
    }
    if (s.witnesses() > 0) b.append("witness on\n");
    String ha = s.vms().stream().filter(FuzzSchedule.Vm::ha).map(v -> "expect running " + v.name() + " within "
        + FuzzWorld.LIVENESS_MS / 1000).collect(Collectors.joining("\n"));
    return b.append(ha).append('\n').toString();
  }

  static final String USAGE = """
      usage: tandem harness fuzz --seed S --schedules N [--out DIR]
        plays N random pools (2-5 hosts) and fault schedules in simulated time, checking the invariants after every
        step; a violation is shrunk and written as a scenario directory under --out (default run/fuzz-S)""";

  /** @return 0 no violation, 1 violations found, 2 bad usage */
  public static int main(List<String> args, PrintStream out, PrintStream err) {
    Long seed = null;
    Integer schedules = null;
    Path outDir = null;
    Set<FuzzWorld.Sabotage> sabotage = EnumSet.noneOf(FuzzWorld.Sabotage.class);
    try {
      for (int i = 1; i < args.size(); i++) {
        String a = args.get(i);
        String value = i + 1 < args.size() ? args.get(i + 1) : null;
        switch (a) {
          case "--seed" -> seed = Long.parseLong(need(a, value));
          case "--schedules" -> schedules = Integer.parseInt(need(a, value));
          case "--out" -> outDir = Path.of(need(a, value));
          case "--sabotage" -> sabotage.add(FuzzWorld.Sabotage.valueOf(need(a, value)));
          default -> throw new IllegalArgumentException("unknown option \"" + a + "\"");
        }
        i++;
      }
      if (seed == null || schedules == null) throw new IllegalArgumentException("--seed and --schedules are needed");
      if (schedules < 1 || schedules > 1_000_000) throw new IllegalArgumentException("--schedules: 1-1000000");
    } catch (IllegalArgumentException e) {
      err.println("tandem harness fuzz: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    Summary sum = run(seed, schedules, sabotage, out);
    Path dir = outDir != null ? outDir : Path.of("run", "fuzz-" + seed);
    for (Found f : sum.found()) {
      try {
        out.println("  scenario written: " + writeScenario(f, dir) + " (tandem harness run DIR --update plays it)");
      } catch (IOException e) {
        err.println("tandem harness fuzz: cannot write the scenario of " + f.shrunk().name() + ": " + e);
      }
    }
    out.printf("fuzz: %d schedules in %.1f s%n", schedules, sum.millis() / 1000.0);
    out.println(sum.line(seed));
    return sum.found().isEmpty() ? 0 : 1;
  }

  private static String need(String option, String value) {
    if (value == null) throw new IllegalArgumentException(option + " needs a value");
    return value;
  }
}
