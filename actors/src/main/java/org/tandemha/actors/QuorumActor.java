package org.tandemha.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.StreamSupport;
import org.tandemha.actors.decide.Quorum;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.NetPort;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HaSettings;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.QuorumVerdict;

/**
 * Judges quorum when someone is about to act on a lost peer: votes of the pool hosts' nodes reachable in
 * the Akka cluster (self always), plus the IP-heuristics vote as a tie-breaker. Every verdict is journaled
 * before it is answered.
 */
public final class QuorumActor extends AbstractBehavior<QuorumActor.Command> {
  public sealed interface Command {}
  /** The pool settings changed (`tandem config set`): used from the next decision on. */
  public record Reconfigured(HaSettings ha) implements Command {}
  public record Evaluate(int poolHosts, ActorRef<QuorumVerdict> replyTo) implements Command {}
  private record Heuristics(Evaluate request, int nodesReachable, int witnessesReachable, boolean allAnswered)
      implements Command {}
  private record Answer(QuorumVerdict verdict, ActorRef<QuorumVerdict> replyTo) implements Command {}
  /**
   * The standing quorum, for the isolation watch: not journaled here (the watcher journals changes), and
   * the heuristics are pinged only when they could decide (an exact tie).
   */
  public record Watch(int poolHosts, ActorRef<Standing> replyTo) implements Command {}
  /** @param peerMayBeQuorate the votes this node does not hold could make a majority elsewhere */
  public record Standing(QuorumVerdict verdict, boolean peerMayBeQuorate) {}
  private record Watched(Watch request, int nodes, int witnessesUp, boolean heuristics) implements Command {}

  /** Akka cluster role that names the pool host a node runs on. */
  public static String hostRole(HostId host) { return "host-" + host.uuid(); }

  public static Behavior<Command> create(HostId self, HaSettings ha, int witnesses, NetPort net,
                                         ActorRef<HaJournal.Command> journal, Clock clock, Executor blockingIo) {
    return Behaviors.setup(ctx -> new QuorumActor(ctx, self, ha, witnesses, net, journal, clock, blockingIo));
  }

  private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);
  private final HostId self;
  private final int witnesses;
  private HaSettings ha;   // replaced when the pool settings change (Reconfigured)
  private final NetPort net;
  private final Clock clock;
  private final Executor blockingIo;
  private final Recorder<Command> recorder;

  private QuorumActor(ActorContext<Command> ctx, HostId self, HaSettings ha, int witnesses, NetPort net,
                      ActorRef<HaJournal.Command> journal, Clock clock, Executor blockingIo) {
    super(ctx);
    this.witnesses = witnesses;
    this.self = self;
    this.ha = ha;
    this.net = net;
    this.clock = clock;
    this.blockingIo = blockingIo;
    this.recorder = new Recorder<>(ctx, journal, Duration.ofSeconds(5));
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Reconfigured.class, r -> {
          ha = r.ha();
          return this;
        })
        .onMessage(Evaluate.class, this::onEvaluate)
        .onMessage(Heuristics.class, this::onHeuristics)
        .onMessage(Watch.class, this::onWatch)
        .onMessage(Watched.class, this::onWatched)
        .onMessage(Answer.class, a -> { a.replyTo().tell(a.verdict()); return this; })
        .build();
  }

  private Behavior<Command> onEvaluate(Evaluate e) {
    int nodes = reachable("host-", hostRole(self));
    int witnessesUp = reachable(WitnessGuardian.ROLE, null);
    List<String> ips = ha.heuristicsIps();
    boolean configured = ha.useIpHeuristics() && !ips.isEmpty();
    getContext().pipeToSelf(
        CompletableFuture.supplyAsync(() -> configured && ips.stream().allMatch(ip -> net.answers(ip, PING_TIMEOUT)),
            blockingIo),
        (all, error) -> new Heuristics(e, nodes, witnessesUp, error == null && all));
    return this;
  }

  private Behavior<Command> onWatch(Watch w) {
    int nodes = Math.min(reachable("host-", hostRole(self)), w.poolHosts());
    int witnessesUp = Math.min(reachable(WitnessGuardian.ROLE, null), witnesses);
    boolean configured = ha.useIpHeuristics() && !ha.heuristicsIps().isEmpty();
    boolean tie = 2 * (nodes + witnessesUp) == w.poolHosts() + witnesses;
    if (!configured || !tie) {
      getContext().getSelf().tell(new Watched(w, nodes, witnessesUp, false));
      return this;
    }
    List<String> ips = ha.heuristicsIps();
    getContext().pipeToSelf(
        CompletableFuture.supplyAsync(() -> ips.stream().allMatch(ip -> net.answers(ip, PING_TIMEOUT)), blockingIo),
        (all, error) -> new Watched(w, nodes, witnessesUp, error == null && all));
    return this;
  }

  private Behavior<Command> onWatched(Watched w) {
    boolean configured = ha.useIpHeuristics() && !ha.heuristicsIps().isEmpty();
    int total = w.request().poolHosts() + witnesses;
    QuorumVerdict v = Quorum.evaluate(new Quorum.Evidence(w.request().poolHosts(), w.nodes(), witnesses,
        w.witnessesUp(), configured, w.heuristics()));
    int others = total - w.nodes() - w.witnessesUp();
    boolean peerMayBeQuorate = others >= v.needed() || (2 * others == total && configured);
    w.request().replyTo().tell(new Standing(v, peerMayBeQuorate));
    return this;
  }

  /**
   * Members Up and reachable from here whose role starts with {@code prefix}, counted once per role (a pool
   * host's node) or once per member (witnesses); {@code selfRole} always counts: a node votes for itself.
   */
  private int reachable(String prefix, String selfRole) {
    var state = Cluster.get(getContext().getSystem()).state();
    // Akka's unreachable set holds what ANY member observes: in a partial partition (xa and xb cut from each other,
    // xc reaching both) xc would count neither and lose quorum with every link of its own up (found by the harness).
    // A vote is a member this node itself reaches, so the set is read per observer; every node monitors every
    // other (failure-detector.monitored-by-nr-of-members), or an unmonitored dead member would count.
    var classic = akka.cluster.Cluster.get(akka.actor.typed.javadsl.Adapter.toClassic(getContext().getSystem()));
    var reachability = classic.readView().reachability();
    var me = classic.selfUniqueAddress();
    Set<String> voters = new HashSet<>();
    if (selfRole != null) voters.add(selfRole);
    StreamSupport.stream(state.getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up() && reachability.isReachable(me, m.uniqueAddress()))
        .forEach(m -> m.getRoles().stream().filter(r -> r.startsWith(prefix))
            .forEach(r -> voters.add(prefix.equals(WitnessGuardian.ROLE) ? m.address().toString() : r)));
    return voters.size();
  }

  private Behavior<Command> onHeuristics(Heuristics h) {
    boolean configured = ha.useIpHeuristics() && !ha.heuristicsIps().isEmpty();
    QuorumVerdict v = Quorum.evaluate(new Quorum.Evidence(h.request().poolHosts(),
        Math.min(h.nodesReachable(), h.request().poolHosts()), witnesses,
        Math.min(h.witnessesReachable(), witnesses), configured, h.allAnswered()));
    getContext().getLog().info("quorum: {} ({} of {} votes needed, sources {}): {}",
        v.quorate() ? "QUORATE" : "NOT quorate", v.votes(), v.needed(), v.sources(), v.reason());
    QuorumVerdict notRecorded = new QuorumVerdict(v.votes(), v.needed(), false, v.exactTie(), v.sources(), "verdict not journaled");
    recorder.record(new HaEvent.QuorumEvaluated(v.votes(), v.needed(), v.quorate(), v.sources(), v.reason(), clock.now()),
        new Answer(v, h.request().replyTo()), err -> new Answer(notRecorded, h.request().replyTo()));
    return this;
  }
}
