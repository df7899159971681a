package org.tandemha.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.tandemha.protocol.NodeReport;
import org.tandemha.protocol.QuorumVerdict;

/**
 * One node's {@link NodeReport}, gathered for one status request: the guardian's part first (it knows the pool
 * size), then quorum (its standing, which asking never journals), the journal's standing (suspension reason, last
 * takeover) and the storage role side by side. Whatever has not answered within {@link #WITHIN} is reported as such;
 * the answer always goes out, then the gatherer stops.
 */
final class NodeReportGatherer extends AbstractBehavior<NodeReportGatherer.Command> {
  sealed interface Command {}
  private record Base(NodeReport report) implements Command {}
  private record Quorum(QuorumVerdict verdict) implements Command {}
  private record Journal(HaJournal.Standing standing) implements Command {}
  private record Storage(String line) implements Command {}
  private enum Timeout implements Command { INSTANCE }

  /** Each part is asked with a bound; the report goes out by then whatever is missing. */
  static final Duration WITHIN = Duration.ofSeconds(3);

  static Behavior<Command> create(org.tandemha.protocol.HostId self, AdminActor.Node node,
                                  Optional<ActorRef<StorageRoleActor.Command>> storage, ActorRef<NodeReport> replyTo) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startSingleTimer(Timeout.INSTANCE, WITHIN);
      return new NodeReportGatherer(ctx, self, node, storage, replyTo);
    }));
  }

  private final org.tandemha.protocol.HostId self;

  private final AdminActor.Node node;
  private final Optional<ActorRef<StorageRoleActor.Command>> storage;
  private final ActorRef<NodeReport> replyTo;
  private NodeReport report;
  private boolean quorumIn;
  private boolean journalIn;
  private boolean storageIn;

  private NodeReportGatherer(ActorContext<Command> ctx, org.tandemha.protocol.HostId self, AdminActor.Node node,
                             Optional<ActorRef<StorageRoleActor.Command>> storage, ActorRef<NodeReport> replyTo) {
    super(ctx);
    this.self = self;
    this.node = node;
    this.storage = storage;
    this.replyTo = replyTo;
    Duration bound = WITHIN.minusMillis(500);
    ctx.ask(NodeReport.class, node.guardian(), bound, NodeGuardian.GetReport::new, (r, e) -> new Base(r));
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Base.class, b -> {
          if (b.report() == null) {
            report = null;
            return answer();
          }
          report = b.report();
          askTheRest(Math.max(1, report.hosts().size()));
          return this;
        })
        .onMessage(Quorum.class, q -> {
          quorumIn = true;
          report = report.withQuorum(q.verdict());
          return answerIfComplete();
        })
        .onMessage(Journal.class, j -> {
          journalIn = true;
          if (j.standing() != null) {
            HaJournal.LastTakeover t = j.standing().lastTakeover();
            report = report.withStanding(j.standing().suspendedBecause(), t == null ? "none" : takeoverLine(t));
          } else {
            report = report.withTakeover("unknown: the journal did not answer");
          }
          return answerIfComplete();
        })
        .onMessage(Storage.class, s -> {
          storageIn = true;
          report = report.withStorage(s.line());
          return answerIfComplete();
        })
        .onMessageEquals(Timeout.INSTANCE, this::answer)
        .build();
  }

  private void askTheRest(int poolHosts) {
    Duration bound = WITHIN.minusMillis(700);
    getContext().ask(QuorumActor.Standing.class, node.quorum(), bound, r -> new QuorumActor.Watch(poolHosts, r),
        (s, e) -> new Quorum(e == null ? s.verdict() : null));
    getContext().ask(HaJournal.Standing.class, node.journal(), bound, HaJournal.GetStanding::new,
        (s, e) -> new Journal(e == null ? s : null));
    if (storage.isPresent()) {
      getContext().ask(StorageRoleActor.Status.class, storage.get(), bound, StorageRoleActor.GetStatus::new,
          (s, e) -> new Storage(e == null ? StorageScreen.summary(s, Instant.now())
              : "unknown: the storage role did not answer"));
    } else {
      storageIn = true;
    }
  }

  static String takeoverLine(HaJournal.LastTakeover t) {
    String took = t.ended() == null ? "not ended" : String.format(java.util.Locale.ROOT, "%.1fs", t.seconds());
    return t.kind() + " " + t.lost().uuid() + " at " + t.began().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        + ", " + took + ", " + t.outcome();
  }

  private Behavior<Command> answerIfComplete() {
    return quorumIn && journalIn && storageIn ? answer() : this;
  }

  /** Without the guardian's part (it did not answer: the node is wedged) the report says only that. */
  private Behavior<Command> answer() {
    replyTo.tell(report != null ? report : NodeReport.unanswered(self.uuid(),
        "the node's guardian did not answer within " + WITHIN.toSeconds() + "s"));
    return Behaviors.stopped();
  }
}
