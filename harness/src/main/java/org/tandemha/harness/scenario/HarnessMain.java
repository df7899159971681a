package org.tandemha.harness.scenario;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tandem harness run DIR [--update]} and {@code tandem harness run --all [--update]} (issue #10 item 1): each
 * scenario on the simulated pool, node JVMs and all; OK or FAILED with the reasons, then one summary line
 * {@code harness: scenarios=N failed=F}. Exit 0 all passed, 1 a scenario failed, 2 bad usage or an unreadable
 * scenario. {@code --update} rewrites the goldens from this run, on purpose.
 */
public final class HarnessMain {
  private HarnessMain() {}

  static final String USAGE = """
      usage: tandem harness run DIR [--update]
             tandem harness run --all [--update] [--scenarios harness/scenarios]
             tandem harness fuzz --seed S --schedules N [--out DIR]
        run       plays a scenario directory (README, pool.conf, commands, events.expect): the commands on the
                  simulated pool, the invariants all along, the journaled decisions against events.expect
        --all     every scenario under --scenarios, in name order
        --update  writes events.expect from this run instead of comparing (review the diff before committing)
        fuzz      random pools and fault schedules in simulated time, invariants after every step; a violation is
                  shrunk and written as a scenario directory (summary: fuzz: schedules=N violations=V seed=S)""";

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.out, System.err));
  }

  static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty() || args.contains("--help")) {
      (args.isEmpty() ? err : out).println(USAGE);
      return args.isEmpty() ? 2 : 0;
    }
    if (args.get(0).equals("fuzz")) return org.tandemha.harness.fuzz.FuzzRunner.main(args, out, err);
    if (!args.get(0).equals("run")) {
      err.println("tandem harness: unknown command \"" + args.get(0) + "\"");
      err.println(USAGE);
      return 2;
    }
    boolean update = false;
    boolean all = false;
    Path root = Path.of("harness", "scenarios");
    List<Path> dirs = new ArrayList<>();
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--update")) {
        update = true;
      } else if (a.equals("--all")) {
        all = true;
      } else if (a.equals("--scenarios") && i + 1 < args.size()) {
        root = Path.of(args.get(++i));
      } else if (a.startsWith("-")) {
        err.println("tandem harness: unknown option \"" + a + "\"");
        return 2;
      } else {
        dirs.add(Path.of(a));
      }
    }
    if (all == !dirs.isEmpty()) {
      err.println("tandem harness run: give one scenario directory, or --all");
      return 2;
    }
    try {
      if (all) dirs.addAll(ScenarioRunner.all(root));
      List<Scenario> scenarios = new ArrayList<>();
      for (Path d : dirs) scenarios.add(Scenario.load(d));
      Path runRoot = Path.of("run", "harness-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
      int failed = 0;
      for (Scenario s : scenarios) {
        out.println("scenario " + s.name() + ": " + s.readme());
        ScenarioRunner.Result r = new ScenarioRunner(s, runRoot.resolve(s.name()),
            System.getProperty("java.class.path"), out).run(update);
        if (r.ok()) {
          out.printf("scenario %s: OK%s (%d s)%n", s.name(), update ? ", events.expect written" : "", r.took().toSeconds());
        } else {
          failed++;
          out.printf("scenario %s: FAILED (%d s), run directory %s%n", s.name(), r.took().toSeconds(),
              runRoot.resolve(s.name()));
          r.failures().forEach(f -> out.println("  " + f));
        }
      }
      out.println("harness: scenarios=" + scenarios.size() + " failed=" + failed);
      return failed == 0 ? 0 : 1;
    } catch (Scenario.Invalid e) {
      err.println("tandem harness: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      err.println("tandem harness: " + e);
      return 1;
    }
  }
}
