package org.tandemha.actors;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.tandemha.actors.decide.PeerGone;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.XapiPort;
import org.tandemha.protocol.FenceOutcome;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PoolSnapshot;
import org.tandemha.protocol.QuorumVerdict;
import org.tandemha.protocol.VmView;

/**
 * One takeover of a lost master by this host, the autopromote winner (halizard-behaviour §3.4–3.6), as a
 * short-lived child of the lost master's HostActor: quorum → fence → emergency transition → recover slaves →
 * power-reset the dead master's VMs. Each step is journaled before it is done; any refusal or failure ends
 * the takeover with nothing of the peer's touched after that point.
 */
public final class TakeoverActor extends AbstractBehavior<TakeoverActor.Command> {
  public sealed interface Command {}
  /** What the parent hears: the peer confirmed off (leave it out of every choice from now), and the end. */
  public sealed interface Progress {}
  public record PeerOff(HostId lostMaster) implements Progress {}
  public record Ended(HostId lostMaster, boolean fenced, boolean completed, String reason) implements Progress {}

  private record QuorumKnown(QuorumVerdict verdict) implements Command {}
  private record Fenced(FenceOutcome outcome) implements Command {}
  private enum Step implements Command { TRANSITION, CHECK_MASTER, PROMOTED, RECOVER, READ_POOL, NEXT_RESET, FINISHED }
  private record Transitioned(Throwable error) implements Command {}
  private record MasterCheck(boolean master) implements Command {}
  private record Recovered(List<HostId> hosts, Throwable error) implements Command {}
  private record PoolRead(PoolSnapshot pool, Throwable error) implements Command {}
  private record ResetJournaled(VmView vm) implements Command {}
  private record ResetDone(VmView vm, Throwable error) implements Command {}
  private record Abort(String reason) implements Command {}

  public record Ports(XapiPort xapi, Clock clock, Executor blockingIo) {}
  public record Peers(ActorRef<QuorumActor.Command> quorum, ActorRef<FenceAgentActor.Command> fence,
                      ActorRef<HaJournal.Command> journal) {}

  public static Behavior<Command> create(HostId self, HostId lostMaster, Optional<Address> lostNode, int poolHosts,
                                         Duration promoteWait, Ports ports, Peers peers, ActorRef<Progress> parent) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new TakeoverActor(ctx, timers, self, lostMaster,
        lostNode, poolHosts, promoteWait, ports, peers, parent)));
  }

  private static final Duration MASTER_CHECK_INTERVAL = Duration.ofMillis(500);
  private final TimerScheduler<Command> timers;
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
  private int resets;
  private Instant promoteDeadline;

  private TakeoverActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, HostId self, HostId lost,
                        Optional<Address> lostNode, int poolHosts, Duration promoteWait, Ports ports, Peers peers,
                        ActorRef<Progress> parent) {
    super(ctx);
    this.timers = timers;
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
    ctx.ask(QuorumVerdict.class, peers.quorum(), Duration.ofSeconds(10),
        r -> new QuorumActor.Evaluate(poolHosts, r),
        (v, e) -> e == null ? new QuorumKnown(v) : new Abort("quorum not judged: " + e));
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(QuorumKnown.class, this::onQuorum)
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
        .onMessageEquals(Step.FINISHED, this::finished)
        .onMessage(Abort.class, this::abort)
        .build();
  }

  private Behavior<Command> onQuorum(QuorumKnown q) {
    if (!q.verdict().quorate()) return abort(new Abort("no quorum: " + q.verdict().reason()));
    getContext().getLog().info("takeover of {}: quorum {}/{} ({}), fencing it", lost, q.verdict().votes(),
        q.verdict().needed(), String.join(", ", q.verdict().sources()));
    ActorRef<FenceOutcome> reply = getContext().messageAdapter(FenceOutcome.class, Fenced::new);
    peers.fence().tell(new FenceAgentActor.Fence(lost, "pool master lost; this host is the autopromote winner", reply));
    return this;
  }

  private Behavior<Command> onFenced(Fenced f) {
    PeerGone.Verdict gone = PeerGone.judge(new PeerGone.Evidence(false, Optional.of(f.outcome()), false,
        Optional.empty(), clock.now(), clock.now()));
    if (!gone.gone()) {
      String why = f.outcome() instanceof FenceOutcome.Failed failed ? failed.reason() : gone.reason();
      return abort(new Abort("fence did not confirm " + lost + " off: " + why));
    }
    fenced = true;
    parent.tell(new PeerOff(lost));
    getContext().getLog().info("takeover of {}: {}; transitioning this host to pool master", lost, gone.reason());
    recorder.record(new HaEvent.TakeoverStarted(lost, self, gone.reason(), clock.now()), Step.TRANSITION,
        e -> new Abort("takeover start not journaled: " + e));
    return this;
  }

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
        (master, error) -> new MasterCheck(error == null && master));
    return this;
  }

  private Behavior<Command> onMasterCheck(MasterCheck m) {
    if (m.master()) {
      recorder.record(new HaEvent.PromotedToMaster(self, lost, clock.now()), Step.PROMOTED,
          e -> new Abort("promotion not journaled: " + e));
    } else if (clock.now().isAfter(promoteDeadline)) {
      return abort(new Abort("this host did not answer as pool master within " + promoteWait));
    } else {
      timers.startSingleTimer(Step.CHECK_MASTER, MASTER_CHECK_INTERVAL);
    }
    return this;
  }

  /** Only now, with the peer fenced, is its node removed from the cluster (no automatic downing). */
  private Behavior<Command> onPromotedRecorded() {
    getContext().getLog().info("takeover of {}: this host is pool master now", lost);
    lostNode.ifPresent(a -> Cluster.get(getContext().getSystem()).manager().tell(new Down(a)));
    return recover();
  }

  private Behavior<Command> recover() {
    getContext().pipeToSelf(CompletableFuture.supplyAsync(xapi::recoverSlaves, blockingIo), Recovered::new);
    return this;
  }

  private Behavior<Command> onRecovered(Recovered r) {
    List<HostId> hosts = r.error() == null ? r.hosts() : List.of();
    if (r.error() != null) getContext().getLog().warn("takeover of {}: recover_slaves failed: {}", lost, cause(r.error()));
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
      recorder.record(new HaEvent.TakeoverFinished(lost, self, resets, clock.now()), Step.FINISHED,
          e -> new Abort("takeover end not journaled: " + e));
      return this;
    }
    recorder.record(new HaEvent.VmPowerResetIssued(vm.id(), vm.name(), lost, clock.now()), new ResetJournaled(vm),
        e -> new Abort("power reset of " + vm.name() + " not journaled: " + e));
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
    parent.tell(new Ended(lost, true, true, "takeover finished"));
    return Behaviors.stopped();
  }

  private Behavior<Command> abort(Abort a) {
    getContext().getLog().warn("takeover of {}: NOT completed: {}", lost, a.reason());
    recorder.record(new HaEvent.TakeoverRefused(lost, a.reason(), clock.now()), Step.FINISHED, e -> Step.FINISHED);
    parent.tell(new Ended(lost, fenced, false, a.reason()));
    return Behaviors.stopped();
  }

  private static String cause(Throwable t) {
    Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    return c.getMessage() != null ? c.getMessage() : c.toString();
  }
}
