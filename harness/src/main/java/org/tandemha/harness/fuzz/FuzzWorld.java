package org.tandemha.harness.fuzz;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tandemha.actors.decide.Autopromote;
import org.tandemha.actors.decide.FencingGate;
import org.tandemha.actors.decide.HostChoice;
import org.tandemha.actors.decide.Isolation;
import org.tandemha.actors.decide.MasterLoss;
import org.tandemha.actors.decide.PeerGone;
import org.tandemha.actors.decide.Quorum;
import org.tandemha.actors.decide.Suspension;
import org.tandemha.actors.decide.WatchdogFeed;
import org.tandemha.harness.scenario.Scenario;
import org.tandemha.protocol.FenceOutcome;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.HostView;
import org.tandemha.protocol.PoolId;
import org.tandemha.protocol.PoolSnapshot;
import org.tandemha.protocol.QuorumVerdict;

/**
 * The fuzz runner's fast mode (issue #10 item 4): a pool in simulated time, 100 ms a step, where every node decides
 * through the same pure decisions its actors call — {@link Quorum}, {@link WatchdogFeed}, {@link Isolation},
 * {@link MasterLoss}, {@link FencingGate}, {@link PeerGone}, {@link Autopromote}, {@link Suspension},
 * {@link HostChoice} — wired the way the actors wire them (HostActor's confirm-then-decide, TakeoverActor's gate,
 * fence or watchdog wait and the re-checks at the deadline, RestartCoordinator's quorate restarts). The world keeps
 * its own record — power, links, who runs as master, where each guest's domain really runs, DRBD Primary and the
 * floating IP — and the invariants are read from that record after every step, never from what a node believes.
 * The actors themselves, with their timers and messages, are exercised by the scenarios (a JVM per node); a schedule
 * the fuzz finds is written out as such a scenario.
 */
public final class FuzzWorld {
  static final long TICK_MS = 100;
  /**
   * Akka's failure detector (heartbeat 500 ms, acceptable pause 600 ms) marks a silent node unreachable 1.6-2.2 s
   * after it stopped; the model takes the fast side.
   */
  static final long DETECT_MS = 1_500;
  static final long XAPI_DELAY_MS = 500;
  static final int XAPI_COUNT = 3;
  static final long TOLERANCE_MS = 5_000;
  static final long WATCHDOG_MS = 10_000;
  static final long SLAVE_DELAY_MS = 5_000;
  static final long FENCE_MS = 1_000;
  static final long FENCE_FAIL_MS = 3_000;
  public static final long FENCE_SLOW_MS = 6_000;
  /** HostActor's RECHECK and the takeover retry after a refusal. */
  static final long RECHECK_MS = 5_000;
  static final long XAPI_BOOT_MS = 10_000;
  static final long NODE_BOOT_MS = 15_000;
  static final long RESTART_ROUND_MS = 1_000;
  /** NodeGuardian.NEVER_SEEN: a host whose node was never seen since this node started counts as unreachable. */
  static final long NEVER_SEEN_MS = 120_000;
  /** After every fault is mended and every host powered on, each HA VM must run again within this. */
  public static final long LIVENESS_MS = 180_000;

  /** Faults planted on purpose in tests: the invariants must catch each. */
  public enum Sabotage { QUORUM_ALWAYS, SKIP_FENCE }

  private final FuzzSchedule s;
  private final Set<Sabotage> sabotage;
  private final int n;
  private final HostId[] ids;
  private final List<String> log = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private long now;

  // The world's own record.
  private final boolean[] powered;
  private final boolean[] xapiUp;
  private final boolean[] hung;
  private final boolean[] netDown;
  private final boolean[] master;
  private final long[] bootAt;
  private final long[] offAt;

  private final int[] generation;
  private final String[] device;
  private final boolean[][] cut;
  private boolean witnessOn = true;
  private final boolean[] wdArmed;
  private final long[] wdFed;
  private final boolean[] primary;
  private final boolean[] ipOwner;
  private int poolMaster;
  private final boolean[][] runs;
  private final int[] db;
  private final List<long[]> pendingPowerOff = new ArrayList<>();   // {at, host}
  // What each host keeps on disk across restarts of its node.
  private final boolean[] suspended;
  private final Optional<HostId>[] winnerKnown;
  private final long[] winnerChangedAt;
  private Optional<HostId> autopromote = Optional.empty();
  private final Node[] nodes;

  @SuppressWarnings("unchecked")
  public FuzzWorld(FuzzSchedule s, Set<Sabotage> sabotage) {
    this.s = s;
    this.sabotage = sabotage.isEmpty() ? EnumSet.noneOf(Sabotage.class) : EnumSet.copyOf(sabotage);
    n = s.hosts();
    ids = new HostId[n];
    for (int i = 0; i < n; i++) ids[i] = new HostId(Scenario.uuid("host", s.name(), FuzzSchedule.HOST_NAMES[i]));
    powered = new boolean[n];
    xapiUp = new boolean[n];
    hung = new boolean[n];
    netDown = new boolean[n];
    master = new boolean[n];
    bootAt = new long[n];
    offAt = new long[n];
    generation = new int[n];
    device = new String[n];
    cut = new boolean[n][n];
    wdArmed = new boolean[n];
    wdFed = new long[n];
    primary = new boolean[n];
    ipOwner = new boolean[n];
    runs = new boolean[s.vms().size()][n];
    db = new int[s.vms().size()];
    suspended = new boolean[n];
    winnerKnown = new Optional[n];
    winnerChangedAt = new long[n];
    nodes = new Node[n];
    for (int i = 0; i < n; i++) {
      powered[i] = true;
      xapiUp[i] = true;
      device[i] = "ok";
      winnerKnown[i] = Optional.empty();
      winnerChangedAt[i] = Long.MIN_VALUE;
      nodes[i] = new Node(i);
    }
    master[0] = true;
    primary[0] = true;
    ipOwner[0] = true;
    for (int v = 0; v < s.vms().size(); v++) {
      db[v] = s.vms().get(v).host();
      runs[v][db[v]] = true;
    }
  }

  /** Plays the schedule, then mends everything and waits for liveness; returns the violations (empty = safe). */
  public List<String> run() {
    List<FuzzSchedule.Fault> faults = s.faults();
    int next = 0;
    long mended = FuzzSchedule.FAULT_WINDOW_MS;
    long end = mended + LIVENESS_MS;
    // Settle first: every node hears every other and the master publishes a winner before the first fault.
    for (now = 0; now <= end && violations.isEmpty(); now += TICK_MS) {
      while (next < faults.size() && faults.get(next).at() <= now) apply(faults.get(next++));
      if (now == mended) mendAll();
      if (now >= mended) {
        // From now on an operator powers every host that goes off (a self-fence, say) on again after 10 s.
        for (int i = 0; i < n; i++) if (!powered[i] && now - offAt[i] >= 10_000) powerOn(i);
      }
      step();
      checkSafety();
    }
    if (violations.isEmpty()) checkLiveness();
    return List.copyOf(violations);
  }

  public List<String> log() { return List.copyOf(log); }

  private void say(String what) { log.add(String.format("%7.1fs %s", now / 1000.0, what)); }

  private String name(int h) { return FuzzSchedule.HOST_NAMES[h]; }

  // ---- faults -------------------------------------------------------------------------------------------------

  private void apply(FuzzSchedule.Fault f) {
    say("fault: " + f.command());
    if (f instanceof FuzzSchedule.Power p) {
      if (p.on()) powerOn(p.host()); else powerOff(p.host(), "power lost");
    } else if (f instanceof FuzzSchedule.Network w && !w.on()) {
      netDown[w.host()] = true;
    } else if (f instanceof FuzzSchedule.Partition p) {
      cut[p.a()][p.b()] = true;
      cut[p.b()][p.a()] = true;
    } else if (f instanceof FuzzSchedule.Heal || f instanceof FuzzSchedule.Network) {
      // "network HOST on" mends every cut, the witnesses' too, as the scenario runner does (SimPool.heal)
      witnessOn = true;
      for (int i = 0; i < n; i++) {
        netDown[i] = false;
        for (int j = 0; j < n; j++) cut[i][j] = false;
      }
    } else if (f instanceof FuzzSchedule.XapiHang x) {
      hung[x.host()] = x.hang();
    } else if (f instanceof FuzzSchedule.Device d) {
      device[d.host()] = d.mode();
    } else if (f instanceof FuzzSchedule.Witness w) {
      witnessOn = w.on();
    }
  }

  private void mendAll() {
    say("every fault mended, every host powered on");
    for (int i = 0; i < n; i++) {
      netDown[i] = false;
      hung[i] = false;
      device[i] = "ok";
      for (int j = 0; j < n; j++) cut[i][j] = false;
      powerOn(i);
    }
    witnessOn = true;
  }

  private void powerOff(int h, String why) {
    if (!powered[h]) return;
    say(name(h) + " off: " + why);
    powered[h] = false;
    offAt[h] = now;
    xapiUp[h] = false;
    generation[h]++;
    nodes[h] = null;
    wdArmed[h] = false;
    primary[h] = false;
    ipOwner[h] = false;
    for (boolean[] r : runs) r[h] = false;
  }

  private void powerOn(int h) {
    if (powered[h]) return;
    powered[h] = true;
    bootAt[h] = now;
  }

  // ---- reachability -------------------------------------------------------------------------------------------

  private boolean wire(int a, int b) { return !netDown[a] && !netDown[b] && !cut[a][b]; }

  private boolean icmp(int from, int to) { return powered[to] && wire(from, to); }

  private boolean xapi(int from, int to) {
    return powered[to] && xapiUp[to] && !hung[to] && (from == to || wire(from, to));
  }

  private boolean node(int h) { return nodes[h] != null; }

  private int masterBeliever() {
    for (int i = 0; i < n; i++) if (powered[i] && xapiUp[i] && master[i]) return i;
    return -1;
  }

  // ---- one step -----------------------------------------------------------------------------------------------

  private void step() {
    for (int i = 0; i < n; i++) {
      if (!powered[i]) continue;
      if (!xapiUp[i] && now - bootAt[i] >= XAPI_BOOT_MS) startXapi(i);
      if (nodes[i] == null && xapiUp[i] && now - bootAt[i] >= NODE_BOOT_MS && generation[i] > 0) {
        nodes[i] = new Node(i);
        say(name(i) + ": node started");
      }
      // The simulator's self-fence (SimSelfFence) switches the host off and leaves it off, as the scenarios do;
      // a real watchdog reboots it (see the issue #10 note on an old master rebooting into a partition).
      if (wdArmed[i] && now - wdFed[i] > WATCHDOG_MS) powerOff(i, "watchdog not fed for " + WATCHDOG_MS / 1000 + "s");
    }
    for (var it = pendingPowerOff.iterator(); it.hasNext(); ) {
      long[] p = it.next();
      if (p[0] <= now) {
        it.remove();
        powerOff((int) p[1], "fenced by its power switch");
      }
    }
    for (int i = 0; i < n; i++) {
      if (!node(i)) continue;
      for (int j = 0; j < n; j++) {
        if (j != i && node(j) && wire(i, j)) {
          nodes[i].heard[j] = now;
          nodes[i].peerWatchdog[j] = wdArmed[j];
        }
      }
      if (witnessOn && s.witnesses() > 0 && !netDown[i]) {
        nodes[i].witnessHeard = now;
        // The witness relays every host's watchdog advert (WatchdogActor.relay): heard of, though not directly.
        for (int j = 0; j < n; j++) if (j != i && node(j) && !netDown[j]) nodes[i].relayed[j] = now;
      }
      // So does every host's node: a peer cut from this node but not from a third is heard of through it.
      for (int k = 0; k < n; k++) {
        if (k == i || !node(k) || !wire(i, k)) continue;
        for (int j = 0; j < n; j++) if (j != i && j != k && node(j) && wire(k, j)) nodes[i].relayed[j] = now;
      }
    }
    resyncDb();
    for (int i = 0; i < n; i++) if (node(i)) nodes[i].step();
  }

  private void startXapi(int h) {
    xapiUp[h] = true;
    if (master[h]) {
      for (int i = 0; i < n; i++) {
        if (i != h && powered[i] && xapiUp[i] && master[i]) {
          master[h] = false;     // xapi's check_no_other_masters, as the simulator does it
          say(name(h) + ": xapi started, another host runs as master: demoted to slave");
        }
      }
    }
    if (master[h]) poolMaster = h;
  }

  /** XAPI's own bookkeeping: a host that reaches the master's xapi reports guests that no longer run as Halted. */
  private void resyncDb() {
    int m = masterBeliever();
    if (m < 0 || hung[m]) return;
    for (int v = 0; v < db.length; v++) {
      int h = db[v];
      if (h >= 0 && xapi(m, h) && !runs[v][h]) db[v] = -1;
    }
  }

  // ---- invariants ---------------------------------------------------------------------------------------------

  private void checkSafety() {
    List<String> masters = new ArrayList<>();
    List<String> primaries = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (!powered[i]) continue;
      if (xapiUp[i] && master[i]) masters.add(name(i));
      if (primary[i]) primaries.add(name(i));
      if (ipOwner[i]) ips.add(name(i));
    }
    if (masters.size() > 1) violate("two pool masters at once: " + masters);
    if (primaries.size() > 1) violate("two DRBD Primaries at once: " + primaries);
    if (ips.size() > 1) violate("two owners of the floating IP at once: " + ips);
    for (int v = 0; v < runs.length; v++) {
      List<String> on = new ArrayList<>();
      for (int i = 0; i < n; i++) if (runs[v][i]) on.add(name(i));
      if (on.size() > 1) violate("VM " + s.vms().get(v).name() + " runs on " + on + " at once");
    }
  }

  private void checkLiveness() {
    for (int v = 0; v < runs.length; v++) {
      if (!s.vms().get(v).ha()) continue;
      boolean running = false;
      for (int i = 0; i < n; i++) running |= runs[v][i];
      if (!running) {
        violate("liveness: HA VM " + s.vms().get(v).name() + " not running " + LIVENESS_MS / 1000
            + "s after every fault was mended and every host powered on");
      }
    }
  }

  private void violate(String what) {
    String line = String.format("%.1fs %s", now / 1000.0, what);
    if (!violations.contains(line)) {
      violations.add(line);
      say("VIOLATION: " + what);
    }
  }

  // ---- a node ---------------------------------------------------------------------------------------------------

  private enum Phase { WATCHING, CONFIRMING, STANDING_BY, TAKING_OVER, DONE }

  private final class Peer {
    Phase phase = Phase.WATCHING;
    int failed;
    long nextAt;
    Takeover takeover;
  }

  /** One takeover of a lost peer, TakeoverActor's stages. */
  private final class Takeover {
    final int target;
    final boolean ofMaster;
    final long startedAt;
    String stage = "gate";
    long until;

    Takeover(int target, boolean ofMaster) {
      this.target = target;
      this.ofMaster = ofMaster;
      this.startedAt = now;
    }
  }

  private final class Node {
    final int self;
    final long[] heard;
    final boolean[] peerWatchdog;
    final long[] relayed;
    final Peer[] peers;
    long witnessHeard = Long.MIN_VALUE;
    Optional<Long> lastQuorate = Optional.empty();
    QuorumVerdict verdict;
    boolean peerMayBeQuorate;
    long nextRestartRound;
    final Set<Integer> fenced = new HashSet<>();
    /** The master as this node last read it from the pool, with the autopromote winner of the same read. */
    int masterKnown = poolMaster;
    long winnerConfirmedAt = Long.MIN_VALUE;
    Optional<HostId> beliefMaster = Optional.empty();

    final long startedAt = now;

    Node(int self) {
      this.self = self;
      heard = new long[n];
      java.util.Arrays.fill(heard, Long.MIN_VALUE);
      peerWatchdog = new boolean[n];
      relayed = new long[n];
      java.util.Arrays.fill(relayed, Long.MIN_VALUE);
      peers = new Peer[n];
      for (int j = 0; j < n; j++) peers[j] = new Peer();
    }

    boolean reachable(int j) { return heard[j] != Long.MIN_VALUE && now - heard[j] <= DETECT_MS; }

    boolean isMaster() { return master[self] && xapiUp[self]; }

    void step() {
      quorum();
      watchdog();
      isolation();
      suspension();
      for (int j = 0; j < n; j++) {
        if (j != self) watch(j);
        if (nodes[self] != this) return;   // this host went off (a suspended winner fences itself)
      }
      if (isMaster()) {
        masterKnown = self;
        masterDuties();
      } else if (xapi(self, poolMaster) && master[poolMaster]) {
        masterKnown = poolMaster;
        noteWinner(autopromote, poolMaster);
      }
    }

    void quorum() {
      int reach = 1;
      for (int j = 0; j < n; j++) if (j != self && reachable(j)) reach++;
      int w = s.witnesses() > 0 && witnessHeard != Long.MIN_VALUE && now - witnessHeard <= DETECT_MS
          ? s.witnesses() : 0;
      verdict = Quorum.evaluate(new Quorum.Evidence(n, reach, s.witnesses(), w, s.heuristics(), !netDown[self]));
      if (sabotage.contains(Sabotage.QUORUM_ALWAYS)) verdict = new QuorumVerdict(n, n, true, false, List.of(), "sabotaged");
      int total = n + s.witnesses();
      int others = total - reach - w;
      peerMayBeQuorate = others >= verdict.needed() || (2 * others == total && s.heuristics());
      if (verdict.quorate()) lastQuorate = Optional.of(now);
    }

    void watchdog() {
      if (s.powerFence()) return;
      WatchdogFeed.Decision d = WatchdogFeed.judge(new WatchdogFeed.Evidence(wdArmed[self], verdict.quorate(),
          peerMayBeQuorate));
      if (d.action() == WatchdogFeed.Action.FEED) {
        wdArmed[self] = true;
        wdFed[self] = now;
      }
    }

    void isolation() {
      boolean vmsHere = false;
      for (boolean[] r : runs) vmsHere |= r[self];
      boolean storage = primary[self] || ipOwner[self];
      Isolation.Decision d = Isolation.assess(new Isolation.Evidence(verdict.quorate(),
          lastQuorate.map(Instant::ofEpochMilli), Instant.ofEpochMilli(now), Duration.ofMillis(TOLERANCE_MS), vmsHere,
          storage, peerMayBeQuorate));
      if (d.action() != Isolation.Action.HARD_STOP) return;
      say(name(self) + ": isolation hard stop: " + d.reason());
      if (d.stopVms()) for (boolean[] r : runs) r[self] = false;
      if (d.demoteStorage()) {
        primary[self] = false;
        ipOwner[self] = false;
      }
    }

    void suspension() {
      if (!suspended[self]) return;
      boolean masterReachable = poolMaster != self && reachable(poolMaster) && xapi(self, poolMaster);
      Suspension.Verdict v = Suspension.next(new Suspension.Evidence(true, Optional.empty(), masterReachable,
          masterReachable, false));
      if (!v.suspended()) {
        suspended[self] = false;
        say(name(self) + ": " + v.reason());
      }
    }

    /** HostActor: a peer this node is concerned with goes unreachable; XAPI_COUNT probes confirm; then decide. */
    void watch(int j) {
      Peer p = peers[j];
      boolean iAmMaster = isMaster();
      boolean concerns = iAmMaster || j == masterKnown;
      boolean unreachable = heard[j] == Long.MIN_VALUE ? now - startedAt >= NEVER_SEEN_MS : !reachable(j);
      switch (p.phase) {
        case WATCHING -> {
          if (unreachable && concerns && now >= p.nextAt) {
            p.phase = Phase.CONFIRMING;
            p.failed = 0;
            p.nextAt = now;
          }
        }
        case CONFIRMING -> {
          if (!unreachable || !concerns) {
            p.phase = Phase.WATCHING;
          } else if (now >= p.nextAt) {
            if (xapi(self, j)) {
              p.phase = Phase.WATCHING;
              p.nextAt = now + RECHECK_MS;
            } else if (++p.failed < XAPI_COUNT) {
              p.nextAt = now + XAPI_DELAY_MS;
            } else {
              decide(j, p, iAmMaster);
            }
          }
        }
        case STANDING_BY, DONE -> {
          if (!unreachable || !concerns) {
            p.phase = Phase.WATCHING;
          } else if (p.phase == Phase.STANDING_BY && now >= p.nextAt) {
            p.phase = Phase.CONFIRMING;
            p.failed = 0;
          }
        }
        case TAKING_OVER -> advance(j, p);
      }
    }

    void decide(int j, Peer p, boolean iAmMaster) {
      if (iAmMaster) {
        say(name(self) + ": SlaveLost " + name(j));
        startTakeover(j, p, false);
        return;
      }
      List<Autopromote.Belief> others = new ArrayList<>();
      for (int k = 0; k < n; k++) if (k != self && node(k) && reachable(k)) others.add(nodes[k].belief());
      Autopromote.Agreement a = Autopromote.agree(belief(), others, ids[j]);
      MasterLoss.Decision d = MasterLoss.assess(new MasterLoss.Evidence(ids[self], true, p.failed, XAPI_COUNT, true,
          a.winner(), suspended[self]));
      if (d.action() != MasterLoss.Action.FENCE_AND_TAKE_OVER) {
        standBy(p, "master " + name(j) + " lost: " + d.reason());
        return;
      }
      say(name(self) + ": MasterLost " + name(j));
      startTakeover(j, p, true);
    }

    void standBy(Peer p, String why) {
      say(name(self) + ": stands by: " + why);
      p.phase = Phase.STANDING_BY;
      p.nextAt = now + RECHECK_MS;
      p.takeover = null;
    }

    void startTakeover(int j, Peer p, boolean ofMaster) {
      p.phase = Phase.TAKING_OVER;
      p.takeover = new Takeover(j, ofMaster);
    }

    FencingGate.Method method() { return s.powerFence() ? FencingGate.Method.POWER : FencingGate.Method.POOL; }

    void advance(int j, Peer p) {
      Takeover t = p.takeover;
      switch (t.stage) {
        case "gate" -> {
          QuorumVerdict q = verdict;
          FencingGate.Decision d = FencingGate.decide(new FencingGate.Evidence(
              t.ofMaster ? FencingGate.Role.WINNER_SLAVE : FencingGate.Role.MASTER, true, true, true, 2, n, q,
              s.witnesses() > 0, method(), peerWatchdog[j],
              new FencingGate.Channels(relayed[j] >= now - 1_500, xapi(self, j), icmp(self, j), Map.of()), true, false,
              Duration.ofMillis(SLAVE_DELAY_MS)));
          switch (d.action()) {
            case FENCE_NOW -> {
              if (method() == FencingGate.Method.POOL) {
                say(name(self) + ": PeerWatchdogAwaited " + name(j));
                t.stage = "watchdog";
                t.until = t.startedAt + WATCHDOG_MS + PeerGone.MARGIN.toMillis();
              } else {
                fence(t);
              }
            }
            case FENCE_AFTER_DELAY -> {
              say(name(self) + ": FenceDelayed " + name(j));
              t.stage = "delay";
              t.until = now + d.delay().toMillis();
            }
            case SUSPEND -> {
              suspended[self] = true;
              say(name(self) + ": Suspended: " + d.reason());
              standBy(p, "suspended");
              powerOff(self, "a suspended winner fences itself (NodeGuardian)");   // HA-Lizard's suspension too
            }
            default -> standBy(p, "gate refused: " + d.reason());
          }
        }
        case "delay" -> {
          if (now < t.until) return;
          if (xapi(self, j)) standBy(p, "the peer's XAPI answered again during the fence delay");
          else fence(t);
        }
        case "fencing" -> {
          if (now < t.until) return;
          confirmOrFail(j, p, t);
        }
        case "watchdog" -> {
          // TakeoverActor.WAIT_PROBE: XAPI and ping looked at every 2 s of the wait; an answer ends it.
          if (now < t.until && (now - t.startedAt) % 2_000 == 0 && (xapi(self, j) || icmp(self, j))) {
            standBy(p, name(j) + " answered during the watchdog wait");
            return;
          }
          if (now <= t.until) return;
          boolean heardSince = heard[j] > t.startedAt || relayed[j] > t.startedAt;
          boolean answers = xapi(self, j) || icmp(self, j);
          if (!verdict.quorate() || verdict.exactTie()) {
            standBy(p, "no strict majority at the watchdog deadline");
          } else if (heardSince) {
            standBy(p, name(j) + " heard of through another member");
          } else {
            PeerGone.Verdict g = PeerGone.judge(new PeerGone.Evidence(answers, Optional.empty(), false,
                Optional.of(Duration.ofMillis(WATCHDOG_MS)), Instant.ofEpochMilli(t.startedAt), Instant.ofEpochMilli(now)));
            if (g.gone()) gone(j, p, t, "watchdog deadline passed");
            else standBy(p, "not gone at the watchdog deadline: " + g.reason());
          }
        }
        default -> { }
      }
    }

    void fence(Takeover t) {
      int j = t.target;
      say(name(self) + ": FenceRequested " + name(j));
      if (suspended[self]) violate(name(self) + " fences " + name(j) + " while suspended");
      if (sabotage.contains(Sabotage.SKIP_FENCE)) {
        gone(j, peers[j], t, "sabotaged: taken as fenced without a fence");
        return;
      }
      t.stage = "fencing";
      String mode = device[j];
      if (mode.equals("broken")) {
        t.until = now + FENCE_FAIL_MS;
      } else {
        long delay = mode.equals("slow") ? FENCE_SLOW_MS : FENCE_MS;
        pendingPowerOff.add(new long[] {now + delay, j});
        t.until = now + delay;
      }
    }

    /** The agent reads the power state back: only "off" confirms (FenceAgentActor). */
    void confirmOrFail(int j, Peer p, Takeover t) {
      FenceOutcome outcome = powered[j]
          ? new FenceOutcome.Failed(ids[j], "sim", "power switch failed or the host is still on", Instant.EPOCH)
          : new FenceOutcome.Confirmed(ids[j], "sim", "power state read back off", Instant.EPOCH);
      PeerGone.Verdict g = PeerGone.judge(new PeerGone.Evidence(false, Optional.of(outcome), false, Optional.empty(),
          Instant.ofEpochMilli(now), Instant.ofEpochMilli(now)));
      if (!g.gone()) {
        say(name(self) + ": FenceFailed " + name(j));
        standBy(p, "fence did not confirm");
        return;
      }
      gone(j, p, t, g.reason());
    }

    void gone(int j, Peer p, Takeover t, String why) {
      say(name(self) + ": " + name(j) + " confirmed gone: " + why);
      // Harmful only if the peer's node lives and has held quorum since its start: a rebooted node that never did
      // arms no watchdog but acts on nothing either; what such a host's xapi does is checked as two masters.
      if (powered[j] && node(j) && nodes[j].lastQuorate.isPresent()) {
        violate(name(self) + " takes over " + name(j) + " although it still runs (" + why + ")");
      }
      fenced.add(j);
      if (t.ofMaster) {
        say(name(self) + ": TakeoverStarted of " + name(j));
        if (suspended[self]) violate(name(self) + " takes over while suspended");
        master[self] = true;
        poolMaster = self;
        primary[self] = true;
        ipOwner[self] = true;
      }
      for (int v = 0; v < db.length; v++) {
        if (db[v] == j) db[v] = -1;   // VmPowerResetIssued
      }
      p.phase = Phase.DONE;
      p.takeover = null;
    }

    /** AutopromoteActor: the change is persisted, the latest read that named it again is kept in memory. */
    void noteWinner(Optional<HostId> w, int readFrom) {
      beliefMaster = Optional.of(ids[readFrom]);
      if (!w.equals(winnerKnown[self]) || winnerChangedAt[self] == Long.MIN_VALUE) {
        winnerKnown[self] = w;
        winnerChangedAt[self] = now;
      }
      winnerConfirmedAt = now;
    }

    Autopromote.Belief belief() {
      long asOf = Math.max(winnerChangedAt[self], winnerConfirmedAt);
      return new Autopromote.Belief(winnerKnown[self], asOf == Long.MIN_VALUE
          ? Optional.empty() : Optional.of(Instant.ofEpochMilli(asOf)), beliefMaster);
    }

    /** The master's round: publish the autopromote winner, take the storage if nobody can hold it, restart VMs. */
    void masterDuties() {
      if (hung[self] || suspended[self]) return;
      fenced.removeIf(j -> reachable(j));
      List<HostView> hosts = new ArrayList<>();
      Set<HostId> quorate = new HashSet<>();
      for (int j = 0; j < n; j++) {
        hosts.add(new HostView(ids[j], name(j), name(j), true, j == self || xapi(self, j), Map.of()));
        if (j != self && verdict.quorate() && reachable(j)) quorate.add(ids[j]);
      }
      PoolSnapshot pool = new PoolSnapshot(new PoolId("fuzz"), ids[self], Map.of(), hosts, List.of(),
          Instant.ofEpochMilli(now));
      Set<HostId> fencedIds = new HashSet<>();
      for (int j : fenced) fencedIds.add(ids[j]);
      Set<HostId> suspendedIds = new HashSet<>();
      for (int j = 0; j < n; j++) if (suspended[j]) suspendedIds.add(ids[j]);
      autopromote = Autopromote.choose(new Autopromote.Evidence(pool, fencedIds, suspendedIds, quorate,
          Optional.empty())).winner();
      noteWinner(autopromote, self);
      if (!verdict.quorate()) return;
      if (!primary[self]) {
        boolean nobodyElse = true;
        for (int j = 0; j < n; j++) {
          if (j != self && !fenced.contains(j) && !(reachable(j) && !primary[j] && !ipOwner[j])) nobodyElse = false;
        }
        if (nobodyElse) {
          say(name(self) + ": storage promoted on the master");
          primary[self] = true;
          ipOwner[self] = true;
        }
      }
      if (now < nextRestartRound) return;
      nextRestartRound = now + RESTART_ROUND_MS;
      for (int v = 0; v < db.length; v++) {
        if (!s.vms().get(v).ha() || db[v] >= 0) continue;
        HostChoice.Choice c = HostChoice.choose(new HostChoice.Evidence(Optional.empty(), hosts, Map.of(),
            fencedIds, Set.of()));
        if (c.host().isEmpty()) continue;
        int h = indexOf(c.host().get());
        if (!xapi(self, h)) continue;
        if (suspended[self]) violate(name(self) + " starts a VM while suspended");
        say(name(self) + ": VmRestarted " + s.vms().get(v).name() + " on " + name(h));
        runs[v][h] = true;
        db[v] = h;
      }
    }
  }

  private int indexOf(HostId id) {
    for (int i = 0; i < n; i++) if (ids[i].equals(id)) return i;
    throw new IllegalArgumentException("no host " + id);
  }
}
