package org.tandemha.actors;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.tandemha.actors.decide.Autopromote;
import org.tandemha.actors.decide.MasterLoss;
import org.tandemha.actors.decide.TakeoverPlan;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.HostView;
import org.tandemha.protocol.NodeSettings;

/**
 * Watches one peer host of the pool from this node. A cluster "unreachable" of the peer starts XAPI_COUNT
 * confirmation probes when one of the two is the pool master: a lost master is judged by {@link MasterLoss}
 * on a slave and, if this host is the autopromote winner, taken over; a lost slave (not in maintenance) is
 * recovered by the master's node. Both go through a {@link TakeoverActor}: quorum, fence, then the rest.
 */
public final class HostActor extends AbstractBehavior<HostActor.Command> {
  public sealed interface Command {}
  /** The pool settings changed (`tandem config set`): used from the next decision on. */
  public record Reconfigured(NodeSettings settings) implements Command {}
  /** The latest pool read, as far as this peer is concerned. */
  /**
   * @param standDown why this node may not fence or take over now (disarmed, XenServer HA on, HA suspended),
   *                  or empty when it may
   */
  public record Observed(HostView host, boolean peerIsMaster, boolean selfIsMaster, boolean poolHaEnabled,
                         int poolHosts, String standDown) implements Command {}
  /** This node journaled a takeover of the peer and crashed before its end: resume it (fence confirmed). */
  public record Resume(TakeoverPlan.Progress progress) implements Command {}
  /**
   * An operator declared the peer dead (journaled): take over from the step after the fence — unless a takeover runs
   * already, which is left alone ({@code started} false: the operator is told).
   */
  public record DeclaredDead(TakeoverPlan.Progress progress, ActorRef<Boolean> started) implements Command {}
  /** Whether a takeover of this peer runs now. */
  public record IsTakingOver(ActorRef<Boolean> replyTo) implements Command {}
  /** The peer's node as the Akka failure detector sees it. */
  /** @param node the peer's cluster node; null for a host whose node this node has never seen */
  public record Reachability(boolean reachable, Address node, Instant since) implements Command {}
  /** What a HostActor tells its guardian. */
  public sealed interface Report {}
  /**
   * The peer was fenced: leave it out of every later choice until its node rejoins.
   *
   * @param takeoverEnded false while the takeover still resets the peer's VMs' power state, true once it ended
   */
  public record PeerFenced(HostId host, boolean takeoverEnded) implements Report {}
  /** This host, the winner, could not take over a lost master for lack of quorum: HA suspension. */
  public record Suspend(String reason) implements Report {}
  /** This host, the master, could not recover a lost slave for lack of quorum: the lone-master rule (§2.5). */
  public record SlaveLostWithoutQuorum(HostId slave, String reason) implements Report {}

  private enum Tick implements Command { PROBE, RECHECK }
  private record ProbeResult(boolean answered) implements Command {}
  private record WinnerKnown(Optional<HostId> winner, String agreement) implements Command {}
  private record LossRecorded(MasterLoss.Decision decision) implements Command {}
  private record TakeoverProgress(TakeoverActor.Progress progress) implements Command {}
  private record NotRecorded(Throwable error) implements Command {}

  private enum Phase { WATCHING, CONFIRMING, DECIDING, STANDING_BY, TAKING_OVER, FENCED }

  public static Behavior<Command> create(HostId peer, NodeSettings settings, TakeoverActor.Ports ports,
                                         TakeoverActor.Peers peers, ActorRef<AutopromoteActor.Command> autopromote,
                                         ActorRef<Report> guardian) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new HostActor(ctx, timers, peer, settings, ports, peers, autopromote, guardian)));
  }

  private static final Duration RECHECK = Duration.ofSeconds(5);
  /** After a takeover that ended unfenced: first retry, doubling up to {@link #MAX_RETRY}. */
  private static final Duration FIRST_RETRY = Duration.ofSeconds(5);
  private static final Duration MAX_RETRY = Duration.ofSeconds(60);
  private Duration retryIn = FIRST_RETRY;
  private final TimerScheduler<Command> timers;
  private final HostId peer;
  private NodeSettings settings;   // replaced when the pool settings change (Reconfigured)
  private final TakeoverActor.Ports ports;
  private final TakeoverActor.Peers peers;
  private final ActorRef<AutopromoteActor.Command> autopromote;
  private final ActorRef<Report> guardian;
  private final Recorder<Command> recorder;

  private Optional<HostView> view = Optional.empty();
  private boolean peerIsMaster;
  private boolean selfIsMaster;
  private boolean poolHaEnabled;
  private String standDown = "";
  private int poolHosts = 2;
  private Optional<Address> node = Optional.empty();
  private boolean clusterUnreachable;
  private Instant unreachableSince;
  private int failedProbes;
  private Phase phase = Phase.WATCHING;

  private HostActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, HostId peer, NodeSettings settings,
                    TakeoverActor.Ports ports, TakeoverActor.Peers peers,
                    ActorRef<AutopromoteActor.Command> autopromote, ActorRef<Report> guardian) {
    super(ctx);
    this.timers = timers;
    this.peer = peer;
    this.settings = settings;
    this.ports = ports;
    this.peers = peers;
    this.autopromote = autopromote;
    this.guardian = guardian;
    this.recorder = new Recorder<>(ctx, peers.journal(), Duration.ofSeconds(5));
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Reconfigured.class, r -> {
          settings = r.settings();
          return this;
        })
        .onMessage(Observed.class, this::onObserved)
        .onMessage(Reachability.class, this::onReachability)
        .onMessage(Resume.class, this::onResume)
        .onMessage(DeclaredDead.class, d -> {
          boolean running = phase == Phase.TAKING_OVER;
          if (!running) onResume(new Resume(d.progress()));
          d.started().tell(!running);
          return this;
        })
        .onMessage(IsTakingOver.class, q -> {
          q.replyTo().tell(phase == Phase.TAKING_OVER);
          return this;
        })
        .onMessageEquals(Tick.PROBE, this::probe)
        .onMessageEquals(Tick.RECHECK, this::recheck)
        .onMessage(ProbeResult.class, this::onProbeResult)
        .onMessage(WinnerKnown.class, this::onWinnerKnown)
        .onMessage(LossRecorded.class, this::onLossRecorded)
        .onMessage(TakeoverProgress.class, this::onTakeoverProgress)
        .onMessage(NotRecorded.class, n -> {
          getContext().getLog().error("host {}: decision not journaled, not acting: {}", peer, n.error().toString());
          phase = Phase.STANDING_BY;
          return this;
        })
        .build();
  }

  private Behavior<Command> onObserved(Observed o) {
    // A pool read means XAPI answers; it does not bring back a master whose takeover already began.
    boolean stoodDownForAReason = !standDown.isEmpty() || !poolHaEnabled;
    view = Optional.of(o.host());
    peerIsMaster = o.peerIsMaster();
    selfIsMaster = o.selfIsMaster();
    poolHaEnabled = o.poolHaEnabled();
    standDown = o.standDown();
    poolHosts = o.poolHosts();
    // HA-Lizard judges every iteration: a peer still lost when the reason to stand down ends (armed again, pool HA
    // enabled, suspension cleared) is judged again from its XAPI probes, not left alone until it comes back.
    if (phase == Phase.STANDING_BY && clusterUnreachable && stoodDownForAReason && standDown.isEmpty()
        && poolHaEnabled && concernsThisNode()) {
      getContext().getLog().info("host {}: still lost, and this node no longer stands down: judging it again", peer);
      phase = Phase.CONFIRMING;
      failedProbes = 0;
      return probe();
    }
    return this;
  }

  private Behavior<Command> onReachability(Reachability r) {
    node = Optional.ofNullable(r.node());   // none for a host whose node was never seen
    if (r.reachable()) {
      if (clusterUnreachable) getContext().getLog().info("host {}: node reachable again", peer);
      clusterUnreachable = false;
      retryIn = FIRST_RETRY;
      if (phase == Phase.CONFIRMING || phase == Phase.STANDING_BY || phase == Phase.FENCED) {
        timers.cancelAll();   // a fenced host whose node joins again was powered back on: watch it anew
        phase = Phase.WATCHING;
      }
      return this;
    }
    if (clusterUnreachable) return this;
    clusterUnreachable = true;
    unreachableSince = r.since();
    if (phase != Phase.WATCHING) return this;
    if (!concernsThisNode()) {
      getContext().getLog().info("host {}: node unreachable; neither it nor this host is the pool master, "
          + "the master's node decides", peer);
      return this;
    }
    getContext().getLog().info("host {}: {} node unreachable, confirming with {} XAPI probe(s) {} apart", peer,
        peerIsMaster ? "pool master's" : "slave's", settings.ha().xapiCount(), settings.ha().xapiDelay());
    phase = Phase.CONFIRMING;
    failedProbes = 0;
    return probe();
  }

  /** A slave acts on a lost master; the master acts on a lost slave that is not in maintenance. */
  private boolean concernsThisNode() {
    if (peerIsMaster) return !selfIsMaster;
    return selfIsMaster && view.map(HostView::enabled).orElse(false);
  }

  private Behavior<Command> probe() {
    if (phase != Phase.CONFIRMING || view.isEmpty()) return this;
    String address = view.get().address();
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> ports.xapi().probe(address), ports.blockingIo()),
        (answered, error) -> new ProbeResult(error == null && answered));
    return this;
  }

  private Behavior<Command> recheck() {
    if (phase == Phase.WATCHING && clusterUnreachable && concernsThisNode()) {
      phase = Phase.CONFIRMING;
      failedProbes = 0;
      return probe();
    }
    return this;
  }

  private Behavior<Command> onProbeResult(ProbeResult p) {
    if (phase != Phase.CONFIRMING) return this;
    if (p.answered()) {
      // The node is gone but XAPI answers: the host may well run its VMs. Never a reason to take over.
      getContext().getLog().info("host {}: XAPI still answers although its node is unreachable; not acting", peer);
      phase = Phase.WATCHING;
      timers.startSingleTimer(Tick.RECHECK, RECHECK);
      return this;
    }
    failedProbes++;
    if (failedProbes < settings.ha().xapiCount()) {
      timers.startSingleTimer(Tick.PROBE, settings.ha().xapiDelay());
      return this;
    }
    phase = Phase.DECIDING;
    if (!peerIsMaster) return slaveLost();
    askWinners();
    return this;
  }

  /**
   * This node's autopromote winner and those of every other node that answers within 2 s: a slave cut from the
   * master before it chose another winner still names itself (Autopromote.agree).
   */
  private void askWinners() {
    var system = getContext().getSystem();
    Duration wait = Duration.ofSeconds(2);
    CompletableFuture<AutopromoteActor.Winner> own = AskPattern.<AutopromoteActor.Command, AutopromoteActor.Winner>ask(
        autopromote, AutopromoteActor.GetWinner::new, Duration.ofSeconds(5), system.scheduler()).toCompletableFuture();
    CompletableFuture<java.util.List<AutopromoteActor.Winner>> others = AskPattern
        .<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
            r -> Receptionist.find(AutopromoteActor.KEY, r), wait, system.scheduler()).toCompletableFuture()
        .thenCompose(listing -> {
          var asks = listing.getServiceInstances(AutopromoteActor.KEY).stream()
              .filter(ref -> !ref.equals(autopromote))
              .map(ref -> AskPattern.<AutopromoteActor.Command, AutopromoteActor.Winner>ask(ref,
                  AutopromoteActor.GetWinner::new, wait, system.scheduler()).toCompletableFuture()
                  .exceptionally(e -> null))
              .toList();
          return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
              .thenApply(v -> asks.stream().map(CompletableFuture::join).filter(java.util.Objects::nonNull).toList());
        })
        .exceptionally(e -> java.util.List.of());
    getContext().pipeToSelf(own.thenCombine(others, (mine, theirs) -> Autopromote.agree(
            new Autopromote.Belief(mine.host(), mine.asOf(), mine.master()),
            theirs.stream().map(w -> new Autopromote.Belief(w.host(), w.asOf(), w.master())).toList(), peer)),
        (a, e) -> e == null ? new WinnerKnown(a.winner(), a.reason())
            : new WinnerKnown(Optional.empty(), "autopromote winner unknown: " + e));
  }

  private Behavior<Command> onWinnerKnown(WinnerKnown w) {
    MasterLoss.Decision d = MasterLoss.assess(new MasterLoss.Evidence(settings.self(), clusterUnreachable,
        failedProbes, settings.ha().xapiCount(), poolHaEnabled, w.winner()));
    if (d.action() == MasterLoss.Action.STAND_BY && !standDown.isEmpty()) {
      // This node's own standing (suspended, disarmed) is what an operator must act on; the winner's absence often
      // follows from it (the master names no suspended host), so it comes first.
      d = new MasterLoss.Decision(MasterLoss.Action.STAND_BY, standDown + "; " + d.reason());
    }
    String evidence = evidence() + "; " + w.agreement();
    getContext().getLog().info("host {}: pool master lost ({}); decision {}: {}", peer, evidence, d.action(), d.reason());
    HaEvent event = d.action() == MasterLoss.Action.FENCE_AND_TAKE_OVER
        ? new HaEvent.MasterLost(peer, evidence, ports.clock().now())
        : new HaEvent.TakeoverRefused(peer, d.reason() + " (" + evidence + ")", ports.clock().now());
    recorder.record(event, new LossRecorded(d), NotRecorded::new);
    return this;
  }

  /** The master's side of a lost slave (halizard-behaviour §2.3–2.7): fence it, then free its VMs. */
  private Behavior<Command> slaveLost() {
    String evidence = evidence();
    if (!poolHaEnabled) {
      getContext().getLog().info("host {}: slave lost ({}), but pool HA is disabled: not acting", peer, evidence);
      recorder.record(new HaEvent.TakeoverRefused(peer, "pool HA is disabled (" + evidence + ")", ports.clock().now()),
          new LossRecorded(new MasterLoss.Decision(MasterLoss.Action.STAND_BY, "pool HA disabled")), NotRecorded::new);
      return this;
    }
    getContext().getLog().info("host {}: slave lost ({}); this host is the pool master, recovering it", peer, evidence);
    recorder.record(new HaEvent.SlaveLost(peer, evidence, ports.clock().now()),
        new LossRecorded(new MasterLoss.Decision(MasterLoss.Action.FENCE_AND_TAKE_OVER, "slave lost")), NotRecorded::new);
    return this;
  }

  private String evidence() {
    double unreachableFor = Duration.between(unreachableSince, ports.clock().now()).toMillis() / 1000.0;
    return String.format("node unreachable %.1fs, XAPI probes failed %d/%d", unreachableFor, failedProbes,
        settings.ha().xapiCount());
  }

  private Behavior<Command> onLossRecorded(LossRecorded r) {
    if (r.decision().action() != MasterLoss.Action.FENCE_AND_TAKE_OVER) {
      phase = Phase.STANDING_BY;
      return this;
    }
    if (!standDown.isEmpty()) {
      getContext().getLog().warn("host {}: lost, but this node stands down ({}): not fencing, not taking over", peer,
          standDown);
      recorder.record(new HaEvent.TakeoverRefused(peer, standDown, ports.clock().now()),
          new LossRecorded(new MasterLoss.Decision(MasterLoss.Action.STAND_BY, standDown)), NotRecorded::new);
      return this;
    }
    phase = Phase.TAKING_OVER;
    ActorRef<TakeoverActor.Progress> reply =
        getContext().messageAdapter(TakeoverActor.Progress.class, TakeoverProgress::new);
    TakeoverActor.Lost kind = peerIsMaster ? TakeoverActor.Lost.MASTER : TakeoverActor.Lost.SLAVE;
    String address = view.map(HostView::address).orElse("");
    getContext().spawn(TakeoverActor.create(kind, settings.self(), peer, address, node, poolHosts,
        settings.promoteWait(), settings.ha().fenceDelaySlave(), settings.witnesses(), settings.fencing(), ports, peers,
        reply),
        "takeover-" + peer.uuid());
    return this;
  }

  private Behavior<Command> onResume(Resume r) {
    if (phase == Phase.TAKING_OVER) return this;
    phase = Phase.TAKING_OVER;
    peerIsMaster = r.progress().kind() == TakeoverPlan.Kind.DEAD_MASTER;
    ActorRef<TakeoverActor.Progress> reply =
        getContext().messageAdapter(TakeoverActor.Progress.class, TakeoverProgress::new);
    getContext().spawn(TakeoverActor.resume(r.progress(), settings.self(), peer, poolHosts, settings.promoteWait(),
        ports, peers, reply), "resumed-takeover-" + peer.uuid());
    return this;
  }

  private Behavior<Command> onTakeoverProgress(TakeoverProgress t) {
    if (t.progress() instanceof TakeoverActor.PeerOff) {
      phase = Phase.FENCED;
      guardian.tell(new PeerFenced(peer, false));   // before this host becomes master and picks a new winner
    } else if (t.progress() instanceof TakeoverActor.Ended e) {
      if (e.fenced()) {
        guardian.tell(new PeerFenced(peer, true));   // again: the guardian reads the pool now, VMs are halted
      } else if (peerIsMaster && e.noMajority()) {
        // HA-Lizard §3.4/3.7 without its bug: the winner that cannot fence the master for lack of quorum
        // suspends itself (journaled, self-fence once) and never promotes until cleared.
        phase = Phase.STANDING_BY;
        guardian.tell(new Suspend(e.reason()));
      } else {
        if (!peerIsMaster && e.noMajority()) guardian.tell(new SlaveLostWithoutQuorum(peer, e.reason()));
        // Not fenced (the device failed, the gate refused, quorum was short): nothing of the peer moved.
        // HA-Lizard judges again every iteration; judge again while the peer stays unreachable, backing off.
        phase = Phase.WATCHING;
        getContext().getLog().info("host {}: takeover ended without a fence ({}); judging again in {} if its node "
            + "is still unreachable", peer, e.reason(), retryIn);
        timers.startSingleTimer(Tick.RECHECK, retryIn);
        retryIn = retryIn.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retryIn.multipliedBy(2);
      }
    }
    return this;
  }

}
