package org.tandemha.harness.scenario;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.tandemha.harness.SimCluster;
import org.tandemha.harness.demo.JournalTimeline;

/**
 * Runs one {@link Scenario} on the simulated pool with every node in its own JVM (killed with SIGKILL on a power
 * loss, so nothing rests on in-JVM shortcuts): waits until the pool is ready, plays the commands, checks the
 * invariants all along (the simulator's record: never two masters, never a VM on two hosts; the journals: no takeover
 * without a confirmed fence, no fence or start by a suspended node, no fence by a disarmed one) and compares the
 * journaled decisions with the golden {@code events.expect}.
 */
public final class ScenarioRunner {
  /**
   * @param failures expectations that failed, invariant breaches, a golden mismatch (empty: the scenario passed)
   * @param events   the normalised journal of this run
   */
  public record Result(String scenario, List<String> failures, List<String> events, Duration took) {
    public boolean ok() { return failures.isEmpty(); }
  }

  /** After the last command, before the journals are read. */
  static final Duration SETTLE = Duration.ofSeconds(3);

  private final Scenario s;
  private final Path runDir;
  private final String classpath;
  private final PrintStream out;

  /** Held from the first node's start until the pool is ready (see {@link #ScenarioRunner(Scenario, Path, String, PrintStream, java.util.concurrent.locks.Lock)}). */
  private final java.util.concurrent.locks.Lock boot;

  public ScenarioRunner(Scenario scenario, Path runDir, String classpath, PrintStream out) {
    this(scenario, runDir, classpath, out, new java.util.concurrent.locks.ReentrantLock());
  }

  /**
   * @param boot held while this scenario's JVMs start and its pool forms: scenarios run side by side share one, so
   *             only one pool at a time starts its JVMs (the CPU-heavy part) beside the others' quieter failures
   */
  public ScenarioRunner(Scenario scenario, Path runDir, String classpath, PrintStream out,
                        java.util.concurrent.locks.Lock boot) {
    this.s = scenario;
    this.runDir = runDir;
    this.classpath = classpath;
    this.out = out;
    this.boot = boot;
  }

  /** @param update write the run's events as the new golden instead of comparing */
  public Result run(boolean update) throws IOException, InterruptedException {
    Instant began = Instant.now();
    List<String> failures = new CopyOnWriteArrayList<>();
    try (SimCluster cluster = new SimCluster(new SimCluster.Options(runDir, classpath, s.spec(), s.witnesses(),
        s.nodeConfig(), new PrintStream(java.io.OutputStream.nullOutputStream())))) {
      // Every node is a JVM started at once: on 2 cores sixteen of them take about two minutes to form their cluster.
      Duration readyWithin = Duration.ofSeconds(Math.max(120, 15L * s.hostsByName().size()));
      boolean ready;
      boot.lockInterruptibly();
      Instant starting = Instant.now();
      try {
        cluster.startAll();
        ready = SimCluster.await(readyWithin, () -> ready(cluster));
      } finally {
        boot.unlock();
      }
      if (!ready) {
        failures.add("the pool was not ready within " + readyWithin.toSeconds() + " s (nodes see each other, "
            + "autopromote winner, home-pool "
            + "tags, healthy tags); see " + runDir);
        return new Result(s.name(), failures, List.of(), Duration.between(began, Instant.now()));
      }
      out.println(String.format(Locale.ROOT, "[%s] pool ready after %.1f s", s.name(),
          Duration.between(starting, Instant.now()).toMillis() / 1000.0));
      Thread.sleep(2000);   // a pool runs for a while before it fails: heartbeats for the failure detector
      Instant t0 = Instant.now();
      Thread watcher = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          for (String b : cluster.pool.safetyBreaches()) {
            if (!failures.contains("INVARIANT: " + b)) failures.add("INVARIANT: " + b);
          }
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "scenario-invariants");
      watcher.setDaemon(true);
      watcher.start();
      try {
        for (Command c : s.commands()) {
          say(t0, describe(c));
          String failed = play(c, cluster, t0);
          if (failed != null) {
            failures.add(failed);
            break;
          }
        }
        // The pool settles before the journals are read: a VM seen running is journaled when its start returns.
        if (failures.isEmpty()) Thread.sleep(SETTLE.toMillis());
      } finally {
        watcher.interrupt();
        watcher.join(1000);
      }
      for (String b : cluster.pool.safetyBreaches()) if (!failures.contains("INVARIANT: " + b)) failures.add("INVARIANT: " + b);
      List<List<JournalTimeline.Entry>> journals = new ArrayList<>();
      for (String uuid : s.hostsByName().values()) journals.add(cluster.journal(uuid));
      failures.addAll(Invariants.check(s, journals));
      List<String> events = Golden.normalise(s, journals, t0);
      Path golden = s.dir().resolve("events.expect");
      if (!s.golden()) {
        if (update) Files.write(golden, List.of());   // golden = none: kept empty, never compared
      } else if (update) {
        Files.write(golden, events);
      } else if (!Files.isRegularFile(golden)) {
        failures.add("no events.expect: run with --update to write it from this run");
      } else {
        List<String> diff = Golden.diff(Files.readAllLines(golden), events);
        if (!diff.isEmpty()) {
          failures.add("journaled decisions differ from events.expect (- expected, + this run):\n  "
              + String.join("\n  ", diff));
        }
      }
      if (!failures.isEmpty()) cluster.pool.safetyBreaches();   // keep the run directory for the operator
      return new Result(s.name(), List.copyOf(failures), events, Duration.between(began, Instant.now()));
    }
  }

  /** The whole pool is up: nodes see each other, a winner is chosen, HA VMs are tagged, slaves are healthy. */
  private boolean ready(SimCluster c) {
    List<String> hosts = List.copyOf(s.hostsByName().values());
    for (String a : hosts) for (String b : hosts) if (!a.equals(b) && !c.sees(a, b)) return false;
    if (hosts.size() > 1) {
      String winner = c.pool.poolOtherConfig().getOrDefault("autopromote_uuid", "");
      if (!hosts.contains(winner)) return false;
    }
    String field = "XenCenter.CustomFields.ha-lizard-enabled";
    // With vApps (OP_MODE 1) only members of a vApp not named in the node config (DISABLED_VAPPS) are managed.
    java.util.Set<String> vappMembers = new java.util.HashSet<>();
    s.spec().appliances().stream().filter(a -> !s.nodeConfig().contains(a.uuid()))
        .forEach(a -> vappMembers.addAll(a.vmUuids()));
    for (var v : s.spec().vms()) {
      boolean ha = s.spec().appliances().isEmpty() ? "true".equals(v.otherConfig().get(field))
          : vappMembers.contains(v.uuid());
      if (ha && v.powerState().equals("Running")
          && !s.spec().poolUuid().equals(c.pool.vmOtherConfig(v.uuid()).get("home-pool"))) {
        return false;
      }
    }
    for (String h : hosts) {
      if (!h.equals(s.spec().masterUuid()) && !"healthy".equals(c.pool.hostOtherConfig(h).get(field))) return false;
    }
    // With storage: the master serves it (the nodes promote it at start, the slave having said it holds nothing).
    return !s.storage() || s.spec().masterUuid().equals(c.pool.storageServer());
  }

  /** @return why it failed, or null */
  private String play(Command c, SimCluster cluster, Instant t0) throws InterruptedException, IOException {
    var pool = cluster.pool;
    if (c instanceof Command.Wait w) {
      Thread.sleep(w.time().toMillis());
    } else if (c instanceof Command.Power p) {
      String h = s.hostsByName().get(p.host());
      if (p.on()) {
        pool.powerOn(h);
        cluster.startNode(h);
      } else {
        cluster.powerLoss(h);
      }
    } else if (c instanceof Command.Network n) {
      if (n.on()) pool.heal();
      else pool.isolate(s.hostsByName().get(n.host()));
    } else if (c instanceof Command.Partition p) {
      pool.partition(s.hostsByName().get(p.a()), s.hostsByName().get(p.b()));
    } else if (c instanceof Command.Heal) {
      pool.heal();
    } else if (c instanceof Command.Xapi x) {
      String h = x.host().equals("all") ? "all" : s.hostsByName().get(x.host());
      switch (x.mode()) {
        case "hang" -> pool.hangXapi(h);
        case "unhang" -> pool.unhangXapi(h);
        case "slow" -> pool.slowCalls(h, x.args().size() > 1 ? x.args().get(1) : null,
            Duration.ofMillis(Long.parseLong(x.args().get(0))));
        default -> pool.failCall(h, x.args().get(0), Integer.parseInt(x.args().get(2)), x.args().get(1));
      }
    } else if (c instanceof Command.FenceDevice f) {
      pool.setPowerSwitchWorking(s.hostsByName().get(f.host()), f.ok());
      if (f.ok()) pool.setPowerSwitchDelay(s.hostsByName().get(f.host()), Duration.ZERO);
      if (f.ok()) pool.setPowerSwitchLying(s.hostsByName().get(f.host()), false);
    } else if (c instanceof Command.LyingFenceDevice f) {
      pool.setPowerSwitchWorking(s.hostsByName().get(f.host()), true);
      pool.setPowerSwitchLying(s.hostsByName().get(f.host()), true);
    } else if (c instanceof Command.ClockJump j) {
      pool.jumpClock(s.hostsByName().get(j.host()), j.by());
    } else if (c instanceof Command.SlowFenceDevice f) {
      pool.setPowerSwitchWorking(s.hostsByName().get(f.host()), true);
      pool.setPowerSwitchDelay(s.hostsByName().get(f.host()), f.delay());
    } else if (c instanceof Command.Witness w) {
      if (s.witnesses() == 0) return "witness " + (w.on() ? "on" : "off") + ": the pool has no witness";
      // The witness machine unreachable from every host (its process lives on: a restarted witness is a new
      // cluster incarnation that cannot join while a host is unreachable and undowned — see the issue #10 note).
      for (String h : s.hostsByName().values()) {
        if (w.host().isEmpty() || h.equals(s.hostsByName().get(w.host()))) {
          pool.cut(h, org.tandemha.harness.sim.SimPool.WITNESSES, !w.on());
        }
      }
    } else if (c instanceof Command.StorageLink l) {
      pool.setStorageLink(l.on());
    } else if (c instanceof Command.Gateway g) {
      pool.cut(s.hostsByName().get(g.host()), org.tandemha.harness.sim.SimPool.GATEWAY, !g.on());
    } else if (c instanceof Command.Node n) {
      String h = s.hostsByName().get(n.host());
      if (!n.start()) cluster.killNode(h);
      else if (!pool.isPoweredOn(h)) return "node " + n.host() + " start: the host is powered off";
      else if (cluster.nodeAlive(h)) return "node " + n.host() + " start: its node runs already";
      else cluster.startNode(h);
    } else if (c instanceof Command.Admin a) {
      // @HOST: that host's UUID, for the verbs that take one (storage split-brain resolve --survivor @xb).
      List<String> args = new ArrayList<>(a.args().stream()
          .map(w -> w.startsWith("@") && s.hostsByName().containsKey(w.substring(1)) ? s.hostsByName().get(w.substring(1)) : w)
          .toList());
      args.add("--socket");
      args.add(cluster.adminSocket(s.hostsByName().get(a.host())).toString());
      java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
      PrintStream p = new PrintStream(said, true, java.nio.charset.StandardCharsets.UTF_8);
      int rc = args.get(0).equals("config")
          ? org.tandemha.controller.config.ConfigCommand.run(args.subList(1, args.size()), p, p)
          : args.get(0).equals("storage")
              ? org.tandemha.controller.storage.StorageCommand.run(args.subList(1, args.size()), p, p)
          : org.tandemha.controller.admin.NodeCommands.handles(args.get(0))
              ? org.tandemha.controller.admin.NodeCommands.run(args.get(0), args.subList(1, args.size()), p, p)
              : 2;
      say(t0, "  exit " + rc + ": " + said.toString(java.nio.charset.StandardCharsets.UTF_8).strip()
          .replace("\n", " | "));
    } else if (c instanceof Command.Expect e) {
      BooleanSupplier cond = condition(e, cluster, t0);
      boolean ok;
      if (e.holds()) {
        ok = true;
        long end = System.nanoTime() + e.time().toNanos();
        while (System.nanoTime() < end) {
          if (!cond.getAsBoolean()) {
            ok = false;
            break;
          }
          Thread.sleep(200);
        }
      } else {
        ok = SimCluster.await(e.time(), cond);
      }
      if (!ok) return "commands line " + e.line() + ": " + describe(e) + " FAILED";
    }
    return null;
  }

  private BooleanSupplier condition(Command.Expect e, SimCluster c, Instant t0) {
    var pool = c.pool;
    return switch (e.what()) {
      // What really runs, not what the database says: a dead host's VMs read Running until they are reset.
      case "running" -> () -> runsSomewhere(pool, s.vmsByName().get(e.subject()));
      case "halted" -> () -> !runsSomewhere(pool, s.vmsByName().get(e.subject()));
      case "master" -> () -> s.hostsByName().get(e.subject()).equals(pool.masterUuid());
      case "serving" -> () -> s.hostsByName().get(e.subject()).equals(pool.storageServer());
      case "powered-on" -> () -> pool.isPoweredOn(s.hostsByName().get(e.subject()));
      case "powered-off" -> () -> !pool.isPoweredOn(s.hostsByName().get(e.subject()));
      case "journaled" -> () -> !c.events(s.hostsByName().get(e.subject()), e.type(), t0).isEmpty();
      default -> () -> c.events(s.hostsByName().get(e.subject()), e.type(), t0).isEmpty();
    };
  }

  private boolean runsSomewhere(org.tandemha.harness.sim.SimPool pool, String vm) {
    return s.hostsByName().values().stream().anyMatch(h -> pool.domainsOn(h).contains(vm));
  }

  static String describe(Command c) {
    if (c instanceof Command.Wait w) return "wait " + w.time().toMillis() / 1000.0;
    if (c instanceof Command.Power p) return "power " + p.host() + (p.on() ? " on" : " off");
    if (c instanceof Command.Network n) return "network " + n.host() + (n.on() ? " on" : " off");
    if (c instanceof Command.Partition p) return "partition " + p.a() + " " + p.b();
    if (c instanceof Command.Heal) return "heal";
    if (c instanceof Command.Xapi x) {
      return "xapi " + x.host() + " " + x.mode() + (x.args().isEmpty() ? "" : " " + String.join(" ", x.args()));
    }
    if (c instanceof Command.FenceDevice f) return "fence-device " + f.host() + (f.ok() ? " ok" : " broken");
    if (c instanceof Command.SlowFenceDevice f) return "fence-device " + f.host() + " slow " + f.delay().toMillis();
    if (c instanceof Command.Witness w) return "witness " + (w.on() ? "on" : "off") + (w.host().isEmpty() ? "" : " " + w.host());
    if (c instanceof Command.LyingFenceDevice f) return "fence-device " + f.host() + " lying";
    if (c instanceof Command.ClockJump j) return "clock-jump " + j.host() + " " + j.by().toMillis() / 1000.0;
    if (c instanceof Command.StorageLink l) return "storage-link " + (l.on() ? "on" : "off");
    if (c instanceof Command.Gateway g) return "gateway " + g.host() + (g.on() ? " on" : " off");
    if (c instanceof Command.Node n) return "node " + n.host() + (n.start() ? " start" : " kill");
    if (c instanceof Command.Admin a) return "admin " + a.host() + " " + String.join(" ", a.args());
    Command.Expect e = (Command.Expect) c;
    return "expect " + e.what() + " " + e.subject() + (e.type().isEmpty() ? "" : " " + e.type())
        + (e.holds() ? " for " : " within ") + e.time().toMillis() / 1000.0;
  }

  private void say(Instant t0, String what) {
    out.println(String.format(Locale.ROOT, "[%s] %+7.1fs %s", s.name(),
        Duration.between(t0, Instant.now()).toMillis() / 1000.0, what));
  }

  /** Every scenario directory under {@code root}, in name order. */
  public static List<Path> all(Path root) throws IOException {
    Set<Path> dirs = new LinkedHashSet<>();
    try (var list = Files.list(root)) {
      list.filter(p -> Files.isRegularFile(p.resolve("pool.conf"))).sorted().forEach(dirs::add);
    }
    return List.copyOf(dirs);
  }
}
