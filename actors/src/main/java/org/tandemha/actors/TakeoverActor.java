package org.tandemha.actors;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Down;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.tandemha.actors.decide.FencingGate;
import org.tandemha.actors.decide.PeerGone;
import org.tandemha.actors.decide.TakeoverPlan;
import org.tandemha.actors.port.NetPort;
import org.tandemha.actors.port.StorageRole;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.XapiPort;
import org.tandemha.protocol.FenceOutcome;
import org.tandemha.protocol.FenceSettings;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PoolSnapshot;
import org.tandemha.protocol.QuorumVerdict;
import org.tandemha.protocol.VmView;

/**
 * One takeover of a lost peer's work by this host, as a short-lived child of the peer's HostActor.
 * A lost MASTER, by this host as the autopromote winner (halizard-behaviour §3.4–3.6): quorum → (fence delay
 * in a tie) → fence → emergency transition → recover slaves → power-reset the dead master's VMs. A lost
 * SLAVE, by this host as master (§2.6–2.7): quorum → fence → power-reset its VMs. Each step is journaled
 * before it is done; any refusal or failure ends the takeover with nothing of the peer's touched after it.
 */
public final class TakeoverActor extends AbstractBehavior<TakeoverActor.Command> {
  public sealed interface Command {}
  /** What the parent hears: the peer confirmed off (leave it out of every choice from now), and the end. */
  public sealed interface Progress {}
  public record PeerOff(HostId lostMaster) implements Progress {}
  /** @param noMajority it ended because this side has no quorum: a winner suspends, a master checks if it is alone */
  public record Ended(HostId lostMaster, boolean fenced, boolean completed, String reason, boolean noMajority)
      implements Progress {}

  private record QuorumKnown(QuorumVerdict verdict) implements Command {}
  private record PeerWatchdogKnown(QuorumVerdict verdict, Optional<Duration> timeout, Optional<Instant> heardAt)
      implements Command {}
  /** @param relayed the peer's watchdog advert reached this node through another member just now */
  private record ChannelsKnown(QuorumVerdict verdict, boolean xapi, boolean icmp, Map<String, Boolean> drbd,
                               Optional<Duration> peerWatchdog, boolean relayed) implements Command {}
  /**
   * An advert of the peer this recent reached this node through another member (a witness or a third host): the
   * peer is alive and in the cluster, cut from this node only — a partial partition. Adverts go out every second and
   * are relayed at once, so a live peer's is at most about a second old; a dead one's is older than the failure
   * detector's verdict plus the XAPI probes (about 3 s with the defaults).
   */
  static final Duration RELAYED_FRESH = Duration.ofMillis(1500);
  private record WatchdogAwaited(Duration timeout, Instant deadline) implements Command {}
  private record WatchdogDeadline(Duration timeout) implements Command {}
  /** During the watchdog wait: look at the peer every {@link #WAIT_PROBE}. */
  private enum WaitProbe implements Command { TICK }
  private record WaitProbed(boolean answers) implements Command {}
  /**
   * A peer whose XAPI or ping answers at any moment of the wait is alive — reconnected, or rebooted after its
   * watchdog and back as the pool master it was (found by the fuzz runner) — so the deadline alone proves nothing.
   */
  static final Duration WAIT_PROBE = Duration.ofSeconds(2);
  /** What the deadline check saw: the peer's channels, this side's quorum now, and when the peer was last heard of. */
  private record AfterDeadline(Duration timeout, boolean answers, QuorumVerdict verdict,
                               Optional<Instant> peerHeardAt) implements Command {}
  private record GoneRecorded(PeerGone.Verdict verdict) implements Command {}
  private record Fenced(FenceOutcome outcome) implements Command {}
  private enum Step implements Command { TRANSITION, CHECK_MASTER, PROMOTED, RECOVER, READ_POOL, NEXT_RESET, STORAGE,
    END_OF_TAKEOVER, FINISHED }
  private record StorageDone(Throwable error) implements Command {}
  private record Transitioned(Throwable error) implements Command {}
  private record MasterCheck(boolean master, boolean answered) implements Command {}
  private record Recovered(List<HostId> hosts, Throwable error) implements Command {}
  private record PoolRead(PoolSnapshot pool, Throwable error) implements Command {}
  private record ResetJournaled(VmView vm) implements Command {}
  private record ResetDone(VmView vm, Throwable error) implements Command {}
  private record Abort(String reason, boolean noMajority) implements Command {
    Abort(String reason) {
      this(reason, false);
    }
  }
  private enum Delay implements Command { OVER }
  private record StartDelay(Duration delay) implements Command {}
  private record Recheck(boolean peerAnswers) implements Command {}

  /** Which role the lost peer had: it decides the steps after the fence. */
  public enum Lost { MASTER, SLAVE }

  /** @param powerFenced a fence of this host cuts its power (false: HA-Lizard's POOL, which powers nothing off) */
  public record Ports(XapiPort xapi, NetPort net, StorageRole storage, Clock clock, Executor blockingIo,
                      java.util.function.Predicate<HostId> powerFenced) {}
  public record Peers(ActorRef<QuorumActor.Command> quorum, ActorRef<FenceAgentActor.Command> fence,
                      ActorRef<HaJournal.Command> journal, ActorRef<WatchdogActor.Command> watchdog) {}

  /**
   * @param peerAddress the lost peer's XAPI address, probed once more after a fence delay
   * @param fenceDelay  FENCE_DELAY_SLAVE: applied only when this is a slave and quorum came from a tie-break
   */
  public static Behavior<Command> create(Lost kind, HostId self, HostId lostPeer, String peerAddress,
                                         Optional<Address> lostNode, int poolHosts, Duration promoteWait,
                                         Duration fenceDelay, int witnesses, FenceSettings fencing, Ports ports,
                                         Peers peers, ActorRef<Progress> parent) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new TakeoverActor(ctx, timers, kind, self, lostPeer,
        peerAddress, lostNode, poolHosts, promoteWait, fenceDelay, witnesses, fencing, ports, peers, parent, null)));
  }

  /**
   * Resumes a takeover a crash interrupted, its fence confirmed in the journal: runs the first step
   * {@link TakeoverPlan} says is not recorded done, and every step after it. Each step is idempotent by
   * observation: a host that already answers as master is not transitioned again.
   */
  public static Behavior<Command> resume(TakeoverPlan.Progress progress, HostId self, HostId lostPeer, int poolHosts,
                                         Duration promoteWait, Ports ports, Peers peers, ActorRef<Progress> parent) {
    Lost kind = progress.kind() == TakeoverPlan.Kind.DEAD_MASTER ? Lost.MASTER : Lost.SLAVE;
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new TakeoverActor(ctx, timers, kind, self, lostPeer,
        "", Optional.empty(), poolHosts, promoteWait, Duration.ZERO, 0, FenceSettings.DEFAULTS, ports, peers, parent,
        progress)));
  }

  // A refused login is cheap; the VMs wait on this, so ask often.
  private static final Duration MASTER_CHECK_INTERVAL = Duration.ofMillis(100);
  /** HA-Lizard tries pool-recover-slaves up to 5 times, 5 s apart; the new master's xapi may still be settling. */
  private static final int RECOVER_ATTEMPTS = 5;
  private static final Duration RECOVER_RETRY = Duration.ofSeconds(1);
  private int recoverAttempts;
  /** How the reason of an abort for lack of quorum begins, in the journal. */
  static final String NO_QUORUM = "no quorum: ";
  private final TimerScheduler<Command> timers;
  private final Lost kind;
  private final String peerAddress;
  private final Duration fenceDelay;
  private final int witnesses;
  private final FenceSettings fencing;
  private final int poolHosts;
  private final Ports ports;
  private final HostId self;
  private final HostId lost;
  private final Optional<Address> lostNode;
  private final Duration promoteWait;
  private final XapiPort xapi;
  private final Clock clock;
  private final Executor blockingIo;
  private final Peers peers;
  private final ActorRef<Progress> parent;
  private final Recorder<Command> recorder;
  private final Deque<VmView> toReset = new ArrayDeque<>();
  private boolean fenced;
  /** Resuming before the transition: a host not yet master is transitioned once, then awaited. */
  private boolean transitionIfNotMaster;
  private int resets;
  private Instant promoteDeadline;
  /** No later than the last contact with the peer: the watchdog deadline of a POOL takeover counts from here. */
  private final Instant startedAt;

  private TakeoverActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, Lost kind, HostId self, HostId lost,
                        String peerAddress, Optional<Address> lostNode, int poolHosts, Duration promoteWait,
                        Duration fenceDelay, int witnesses, FenceSettings fencing, Ports ports, Peers peers,
                        ActorRef<Progress> parent, TakeoverPlan.Progress resumeFrom) {
    super(ctx);
    this.timers = timers;
    this.kind = kind;
    this.peerAddress = peerAddress;
    this.fenceDelay = fenceDelay;
    this.witnesses = witnesses;
    this.fencing = fencing;
    this.poolHosts = poolHosts;
    this.ports = ports;
    this.self = self;
    this.lost = lost;
    this.lostNode = lostNode;
    this.promoteWait = promoteWait;
    this.xapi = ports.xapi();
    this.clock = ports.clock();
    this.blockingIo = ports.blockingIo();
    this.peers = peers;
    this.parent = parent;
    this.recorder = new Recorder<>(ctx, peers.journal(), Duration.ofSeconds(5));
    this.startedAt = clock.now();
    if (resumeFrom != null) {
      resumeAt(ctx, resumeFrom);
      return;
    }
    ctx.ask(QuorumVerdict.class, peers.quorum(), Duration.ofSeconds(10),
        r -> new QuorumActor.Evaluate(poolHosts, r),
        (v, e) -> e == null ? new QuorumKnown(v) : new Abort("quorum not judged: " + e));
  }

  private void resumeAt(ActorContext<Command> ctx, TakeoverPlan.Progress progress) {
    TakeoverPlan.Next next = TakeoverPlan.next(progress);
    ctx.getLog().warn("takeover of {}: resuming an unfinished {} takeover after a restart: {} ({})", lost,
        progress.kind(), next.step(), next.reason());
    if (next.step() == TakeoverPlan.Step.FENCE) {
      ctx.getSelf().tell(new Abort("the journal does not show " + lost + " confirmed off: not resumed, judged anew"));
      return;
    }
    fenced = true;
    parent.tell(new PeerOff(lost));
    downLostNode();
    promoteDeadline = clock.now().plus(promoteWait);
    switch (next.step()) {
      case EMERGENCY_TRANSITION, AWAIT_MASTER -> {
        transitionIfNotMaster = next.step() == TakeoverPlan.Step.EMERGENCY_TRANSITION;
        ctx.getSelf().tell(Step.CHECK_MASTER);
      }
      case RECOVER_SLAVES -> ctx.getSelf().tell(Step.RECOVER);
      case RESET_VMS -> ctx.getSelf().tell(Step.READ_POOL);
      case HAND_OVER_STORAGE -> ctx.getSelf().tell(Step.STORAGE);
      default -> ctx.getSelf().tell(Step.NEXT_RESET);   // VM restarts are the VM actors' work: just end
    }
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(QuorumKnown.class, this::onQuorum)
        .onMessage(PeerWatchdogKnown.class, this::onPeerWatchdog)
        .onMessage(ChannelsKnown.class, this::onChannels)
        .onMessage(WatchdogAwaited.class, w -> {
          timers.startSingleTimer(new WatchdogDeadline(w.timeout()),
              Duration.between(clock.now(), w.deadline()).plusMillis(100));
          timers.startTimerWithFixedDelay(WaitProbe.TICK, WaitProbe.TICK, WAIT_PROBE);
          return this;
        })
        .onMessageEquals(WaitProbe.TICK, () -> {
          getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> ports.xapi().probe(peerAddress)
                  || ports.net().answers(peerAddress, PING_TIMEOUT), blockingIo),
              (answers, error) -> new WaitProbed(error == null && answers));
          return this;
        })
        .onMessage(WaitProbed.class, p -> !p.answers() ? this : abort(new Abort(lost + " answered (XAPI or ping) "
            + "during the wait for its watchdog deadline: it is alive, not taken over")))
        .onMessage(WatchdogDeadline.class, w -> {
          timers.cancel(WaitProbe.TICK);
          return onWatchdogDeadline(w);
        })
        .onMessage(AfterDeadline.class, this::afterDeadline)
        .onMessage(GoneRecorded.class, g -> peerGone(g.verdict()))
        .onMessage(Fenced.class, this::onFenced)
        .onMessageEquals(Step.TRANSITION, this::transition)
        .onMessage(Transitioned.class, this::onTransitioned)
        .onMessageEquals(Step.CHECK_MASTER, this::checkMaster)
        .onMessage(MasterCheck.class, this::onMasterCheck)
        .onMessageEquals(Step.PROMOTED, this::onPromotedRecorded)
        .onMessageEquals(Step.RECOVER, this::recover)
        .onMessage(Recovered.class, this::onRecovered)
        .onMessageEquals(Step.READ_POOL, this::readPool)
        .onMessage(PoolRead.class, this::onPoolRead)
        .onMessageEquals(Step.NEXT_RESET, this::nextReset)
        .onMessage(ResetJournaled.class, this::reset)
        .onMessage(ResetDone.class, this::onResetDone)
        .onMessageEquals(Step.STORAGE, this::handOverStorage)
        .onMessageEquals(Step.END_OF_TAKEOVER, () -> {
          recorder.record(new HaEvent.TakeoverFinished(lost, self, resets, clock.now()), Step.FINISHED,
              e -> new Abort("takeover end not journaled: " + e));
          return this;
        })
        .onMessage(StorageDone.class, this::onStorageDone)
        .onMessageEquals(Step.FINISHED, this::finished)
        .onMessage(Abort.class, this::abort)
        .onMessageEquals(Delay.OVER, this::recheckAfterDelay)
        .onMessage(StartDelay.class, d -> {
          timers.startSingleTimer(Delay.OVER, d.delay());
          return this;
        })
        .onMessage(Recheck.class, this::onRecheck)
        .build();
  }

  /** With the verdict in hand, what the peer last said of its watchdog (a POOL fence rests on it). */
  private Behavior<Command> onQuorum(QuorumKnown q) {
    getContext().ask(WatchdogActor.PeerWatchdog.class, peers.watchdog(), Duration.ofSeconds(2),
        r -> new WatchdogActor.GetPeer(lost, r),
        (w, e) -> new PeerWatchdogKnown(q.verdict(), e == null ? w.timeout() : Optional.empty(),
            e == null ? w.heardAt() : Optional.empty()));
    return this;
  }

  /** Look once more at the peer's XAPI, ping and DRBD links: the gate needs every channel. */
  private Behavior<Command> onPeerWatchdog(PeerWatchdogKnown w) {
    boolean relayed = w.heardAt().filter(t -> t.isAfter(clock.now().minus(RELAYED_FRESH))).isPresent();
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> {
      boolean xapiAnswers = ports.xapi().probe(peerAddress);
      boolean pingAnswers = ports.net().answers(peerAddress, PING_TIMEOUT);
      return new ChannelsKnown(w.verdict(), xapiAnswers, pingAnswers, ports.storage().replicationLinks(lost),
          w.timeout(), relayed);
    }, blockingIo), (c, error) -> error == null ? c : new Abort("cannot check the peer's channels: " + cause(error)));
    return this;
  }

  private Behavior<Command> onChannels(ChannelsKnown c) {
    FencingGate.Decision d = FencingGate.decide(new FencingGate.Evidence(
        kind == Lost.MASTER ? FencingGate.Role.WINNER_SLAVE : FencingGate.Role.MASTER,
        true, fencing.enabled(), fencing.quorumRequired(), fencing.minHosts(), poolHosts, c.verdict(), witnesses > 0,
        method(), c.peerWatchdog().isPresent(),
        new FencingGate.Channels(c.relayed(), c.xapi(), c.icmp(), c.drbd()), true, false, fenceDelay));
    getContext().getLog().info("takeover of {}: fencing gate {}: {} (quorum {}/{} {}, xapi {}, ping {}, drbd {})", lost,
        d.action(), d.reason(), c.verdict().votes(), c.verdict().needed(), c.verdict().sources(),
        c.xapi() ? "answers" : "silent", c.icmp() ? "answers" : "silent",
        c.drbd().isEmpty() ? "none" : c.drbd().toString());
    switch (d.action()) {
      case FENCE_NOW:
        return method() == FencingGate.Method.POOL ? awaitWatchdog(c.peerWatchdog().orElseThrow()) : fence();
      case FENCE_AFTER_DELAY:
        // Both sides of a symmetric partition may pass the heuristics: the master's side fences at once,
        // this slave's side only after FENCE_DELAY_SLAVE, so it is off before it could fence (DESIGN.md).
        recorder.record(new HaEvent.FenceDelayed(lost, d.delay(), d.reason(), clock.now()), new StartDelay(d.delay()),
            e -> new Abort("fence delay not journaled: " + e));
        return this;
      case SUSPEND:
        return abort(new Abort(NO_QUORUM + d.reason(), true));
      default:
        return abort(new Abort("fencing gate refused: " + d.reason(), !c.verdict().quorate()));
    }
  }

  private Behavior<Command> recheckAfterDelay() {
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> xapi.probe(peerAddress), blockingIo),
        (answers, error) -> new Recheck(error == null && answers));
    return this;
  }

  private Behavior<Command> onRecheck(Recheck r) {
    if (r.peerAnswers()) return abort(new Abort("the peer's XAPI answered again during the fence delay"));
    return fence();
  }

  private static final Duration PING_TIMEOUT = Duration.ofSeconds(1);

  private Behavior<Command> fence() {
    ActorRef<FenceOutcome> reply = getContext().messageAdapter(FenceOutcome.class, Fenced::new);
    String reason = kind == Lost.MASTER ? "pool master lost; this host is the autopromote winner"
        : "slave lost; this host is the pool master";
    peers.fence().tell(new FenceAgentActor.Fence(lost, reason, reply));
    return this;
  }

  private FencingGate.Method method() {
    return ports.powerFenced().test(lost) ? FencingGate.Method.POWER : FencingGate.Method.POOL;
  }

  /**
   * POOL powers nothing off: the peer arms a watchdog, so it is gone once the watchdog's timeout plus a margin has
   * passed since the last contact — counted from this takeover's start, which is no earlier — and nothing reaches it.
   */
  private Behavior<Command> awaitWatchdog(Duration timeout) {
    Instant deadline = startedAt.plus(timeout).plus(PeerGone.MARGIN);
    String reason = "POOL powers nothing off; " + lost + " arms a self-fence watchdog of " + timeout.toSeconds()
        + "s: taken as gone at " + deadline + " if nothing reaches it by then";
    getContext().getLog().warn("takeover of {}: {}", lost, reason);
    recorder.record(new HaEvent.PeerWatchdogAwaited(lost, timeout, deadline, reason, clock.now()),
        new WatchdogAwaited(timeout, deadline), e -> new Abort("watchdog wait not journaled: " + e));
    return this;
  }

  /**
   * At the deadline everything is asked again: this side must still hold a strict majority (else the peer may be
   * the quorate one, feeding its watchdog), no member may have relayed an advert of the peer since the takeover
   * began (a partial partition: another member still reaches it), and its XAPI and ping must stay silent.
   */
  private Behavior<Command> onWatchdogDeadline(WatchdogDeadline w) {
    var scheduler = getContext().getSystem().scheduler();
    CompletableFuture<QuorumVerdict> quorum = AskPattern.<QuorumActor.Command, QuorumVerdict>ask(peers.quorum(),
        r -> new QuorumActor.Evaluate(poolHosts, r), Duration.ofSeconds(10), scheduler).toCompletableFuture();
    CompletableFuture<WatchdogActor.PeerWatchdog> heard = AskPattern.<WatchdogActor.Command, WatchdogActor.PeerWatchdog>
        ask(peers.watchdog(), r -> new WatchdogActor.GetPeer(lost, r), Duration.ofSeconds(5), scheduler)
        .toCompletableFuture();
    var probes = CompletableFuture.supplyAsync(() -> ports.xapi().probe(peerAddress)
        || ports.net().answers(peerAddress, PING_TIMEOUT)
        || ports.storage().replicationLinks(lost).containsValue(true), blockingIo);
    getContext().pipeToSelf(CompletableFuture.allOf(quorum, heard, probes).thenApply(v ->
            new AfterDeadline(w.timeout(), probes.join(), quorum.join(), heard.join().heardAt())),
        (a, error) -> error == null ? a : new Abort("cannot check " + lost + " at its watchdog deadline: " + cause(error)));
    return this;
  }

  private Behavior<Command> afterDeadline(AfterDeadline a) {
    if (!a.verdict().quorate() || a.verdict().exactTie()) {
      return abort(new Abort("at " + lost + "'s watchdog deadline this side holds no strict majority ("
          + a.verdict().reason() + "): the peer may be the quorate side, feeding its watchdog", !a.verdict().quorate()));
    }
    if (a.peerHeardAt().filter(t -> t.isAfter(startedAt)).isPresent()) {
      return abort(new Abort(lost + " was heard of at " + a.peerHeardAt().get() + " through another member: it is "
          + "alive and reachable from there (a partial partition), not taken over"));
    }
    PeerGone.Verdict gone = PeerGone.judge(new PeerGone.Evidence(a.answers(), Optional.empty(), false,
        Optional.of(a.timeout()), startedAt, clock.now()));
    if (!gone.gone()) return abort(new Abort("after the watchdog deadline " + lost + " is not gone: " + gone.reason()));
    String evidence = gone.reason() + "; quorate " + a.verdict().votes() + "/" + a.verdict().needed() + " "
        + a.verdict().sources() + "; XAPI, ping and DRBD silent; no advert of it since " + startedAt;
    recorder.record(new HaEvent.PeerGoneByWatchdog(lost, startedAt.plus(a.timeout()).plus(PeerGone.MARGIN), evidence,
        clock.now()), new GoneRecorded(new PeerGone.Verdict(true, evidence)),
        e -> new Abort("watchdog confirmation not journaled: " + e));
    return this;
  }

  private Behavior<Command> onFenced(Fenced f) {
    PeerGone.Verdict gone = PeerGone.judge(new PeerGone.Evidence(false, Optional.of(f.outcome()), false,
        Optional.empty(), clock.now(), clock.now()));
    if (!gone.gone()) {
      String why = f.outcome() instanceof FenceOutcome.Failed failed ? failed.reason() : gone.reason();
      return abort(new Abort("fence did not confirm " + lost + " off: " + why));
    }
    return peerGone(gone);
  }

  private Behavior<Command> peerGone(PeerGone.Verdict gone) {
    fenced = true;
    parent.tell(new PeerOff(lost));
    downLostNode();
    if (kind == Lost.SLAVE) {
      // A fence device can lie (an outlet mapped to another host, a BMC that acknowledges and ignores): a slave that is
      // only cut off then runs its guests on until its own isolation hard stop, MGT_LINK_LOSS_TOLERANCE after it lost
      // quorum. Its VMs are reset — and so started elsewhere — only once that stop is due (scenario
      // slave-fence-device-lying); a master's takeover does not wait, its transition takes longer than this anyway.
      Instant notBefore = isolationStopDue(startedAt, fencing.mgtLinkLossTolerance());
      Duration wait = Duration.between(clock.now(), notBefore);
      if (wait.compareTo(Duration.ZERO) > 0) {
        getContext().getLog().info("recovery of slave {}: {}; resetting its VMs' power state in {} ms, when its own "
            + "isolation hard stop is due if it is only cut off (MGT_LINK_LOSS_TOLERANCE={}s)", lost, gone.reason(),
            wait.toMillis(), fencing.mgtLinkLossTolerance().toSeconds());
        timers.startSingleTimer(Step.READ_POOL, wait);
        return this;
      }
      getContext().getLog().info("recovery of slave {}: {}; resetting its VMs' power state", lost, gone.reason());
      return readPool();
    }
    getContext().getLog().info("takeover of {}: {}; transitioning this host to pool master", lost, gone.reason());
    recorder.record(new HaEvent.TakeoverStarted(lost, self, gone.reason(), clock.now()), Step.TRANSITION,
        e -> new Abort("takeover start not journaled: " + e));
    return this;
  }

  /**
   * Past the stop of a cut-off peer's guests by its own isolation watch: it loses quorum at most about a second after
   * this node found it unreachable (their failure detectors differ by less), then waits {@code tolerance}, checks once
   * a second and destroys its domains; {@code lostBy} is no earlier than this node's verdict.
   */
  static Instant isolationStopDue(Instant lostBy, Duration tolerance) {
    return lostBy.plus(tolerance).plus(ISOLATION_STOP_MARGIN);
  }

  /** The peer's later verdict (≤ 1 s), its isolation tick (1 s), destroying its domains, and a second to spare. */
  static final Duration ISOLATION_STOP_MARGIN = Duration.ofSeconds(3);

  private Behavior<Command> transition() {
    getContext().pipeToSelf(CompletableFuture.runAsync(xapi::emergencyTransitionToMaster, blockingIo),
        (ok, error) -> new Transitioned(error));
    return this;
  }

  private Behavior<Command> onTransitioned(Transitioned t) {
    if (t.error() != null) return abort(new Abort("emergency transition to master failed: " + cause(t.error())));
    promoteDeadline = clock.now().plus(promoteWait);
    return checkMaster();
  }

  private Behavior<Command> checkMaster() {
    getContext().pipeToSelf(CompletableFuture.supplyAsync(xapi::localHostIsMaster, blockingIo),
        (master, error) -> new MasterCheck(error == null && master, error == null));
    return this;
  }

  private Behavior<Command> onMasterCheck(MasterCheck m) {
    if (!m.master() && transitionIfNotMaster && m.answered()) {
      // It answers, as a slave: the transition never happened (a silent xapi may be restarting as master).
      transitionIfNotMaster = false;
      getContext().getLog().info("takeover of {}: this host is not master yet: emergency transition", lost);
      return transition();
    }
    if (m.master()) {
      transitionIfNotMaster = false;
      recorder.record(new HaEvent.PromotedToMaster(self, lost, clock.now()), Step.PROMOTED,
          e -> new Abort("promotion not journaled: " + e));
    } else if (clock.now().isAfter(promoteDeadline)) {
      return abort(new Abort("this host did not answer as pool master within " + promoteWait));
    } else {
      timers.startSingleTimer(Step.CHECK_MASTER, MASTER_CHECK_INTERVAL);
    }
    return this;
  }

  private Behavior<Command> onPromotedRecorded() {
    getContext().getLog().info("takeover of {}: this host is pool master now", lost);
    return recover();
  }

  /**
   * Only with the peer confirmed off is its node removed from the cluster (no automatic downing), and at
   * once: an unreachable member left in place would block every later join, a restarted node's among them.
   */
  private void downLostNode() {
    var cluster = Cluster.get(getContext().getSystem());
    java.util.Set<Address> nodes = new java.util.HashSet<>();
    lostNode.ifPresent(nodes::add);
    FencedNodeDowner.nodesOf(cluster, lost).forEach(m -> nodes.add(m.address()));
    for (Address a : nodes) {
      getContext().getLog().info("takeover of {}: its node {} is fenced off: removing it from the cluster", lost, a);
      cluster.manager().tell(new Down(a));
    }
  }

  private Behavior<Command> recover() {
    getContext().pipeToSelf(CompletableFuture.supplyAsync(xapi::recoverSlaves, blockingIo), Recovered::new);
    return this;
  }

  private Behavior<Command> onRecovered(Recovered r) {
    if (r.error() != null && ++recoverAttempts < RECOVER_ATTEMPTS) {
      getContext().getLog().warn("takeover of {}: recover_slaves failed (attempt {} of {}), retrying in {}: {}", lost,
          recoverAttempts, RECOVER_ATTEMPTS, RECOVER_RETRY, cause(r.error()));
      timers.startSingleTimer(Step.RECOVER, RECOVER_RETRY);
      return this;
    }
    List<HostId> hosts = r.error() == null ? r.hosts() : List.of();
    if (r.error() != null) {
      getContext().getLog().warn("takeover of {}: recover_slaves failed {} times, going on without: {}", lost,
          RECOVER_ATTEMPTS, cause(r.error()));
    }
    recorder.record(new HaEvent.SlavesRecovered(hosts, clock.now()), Step.READ_POOL,
        e -> new Abort("slave recovery not journaled: " + e));
    return this;
  }

  private Behavior<Command> readPool() {
    getContext().pipeToSelf(CompletableFuture.supplyAsync(xapi::readPool, blockingIo), PoolRead::new);
    return this;
  }

  private Behavior<Command> onPoolRead(PoolRead p) {
    if (p.error() != null) return abort(new Abort("cannot read the pool as new master: " + cause(p.error())));
    p.pool().vms().stream()
        .filter(vm -> !vm.controlDomain() && vm.residentOn().filter(lost::equals).isPresent())
        .forEach(toReset::add);
    getContext().getLog().info("takeover of {}: {} VM(s) still shown on it, resetting their power state",
        lost, toReset.size());
    return nextReset();
  }

  private Behavior<Command> nextReset() {
    VmView vm = toReset.poll();
    if (vm == null) {
      if (kind == Lost.MASTER) return handOverStorage();
      recorder.record(new HaEvent.SlaveRecovered(lost, resets, clock.now()), Step.FINISHED,
          e -> new Abort("takeover end not journaled: " + e));
      return this;
    }
    recorder.record(new HaEvent.VmPowerResetIssued(vm.id(), vm.name(), lost, clock.now()), new ResetJournaled(vm),
        e -> new Abort("power reset of " + vm.name() + " not journaled: " + e));
    return this;
  }

  /** The dead master's storage role, after the resets and before any VM may start (iSCSI-HA's race, §11). */
  private Behavior<Command> handOverStorage() {
    getContext().pipeToSelf(CompletableFuture.runAsync(() -> ports.storage().takeOverFrom(lost), blockingIo),
        (ok, error) -> new StorageDone(error));
    return this;
  }

  private Behavior<Command> onStorageDone(StorageDone d) {
    if (d.error() != null) return abort(new Abort("storage role not taken over: " + cause(d.error())));
    recorder.record(new HaEvent.StorageTakenOver(lost, ports.storage().describe(), clock.now()), Step.END_OF_TAKEOVER,
        e -> new Abort("storage hand-over not journaled: " + e));
    return this;
  }

  private Behavior<Command> reset(ResetJournaled r) {
    getContext().pipeToSelf(CompletableFuture.runAsync(() -> xapi.powerStateReset(r.vm().id()), blockingIo),
        (ok, error) -> new ResetDone(r.vm(), error));
    return this;
  }

  private Behavior<Command> onResetDone(ResetDone r) {
    if (r.error() != null) {
      getContext().getLog().warn("takeover of {}: power reset of {} failed: {}", lost, r.vm().name(), cause(r.error()));
    } else {
      resets++;
    }
    return nextReset();
  }

  private Behavior<Command> finished() {
    getContext().getLog().info("takeover of {}: finished, {} VM(s) reset; VM restarts follow the restart policy",
        lost, resets);
    parent.tell(new Ended(lost, true, true, "takeover finished", false));
    return Behaviors.stopped();
  }

  private Behavior<Command> abort(Abort a) {
    getContext().getLog().warn("takeover of {}: NOT completed: {}", lost, a.reason());
    recorder.record(new HaEvent.TakeoverRefused(lost, a.reason(), clock.now()), Step.FINISHED, e -> Step.FINISHED);
    parent.tell(new Ended(lost, fenced, false, a.reason(), a.noMajority()));
    return Behaviors.stopped();
  }

  private static String cause(Throwable t) {
    Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    return c.getMessage() != null ? c.getMessage() : c.toString();
  }
}
