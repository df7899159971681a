package org.tandemha.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tandemha.protocol.Admin;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.NodeReport;

/**
 * One cluster-wide question ({@code tandem status}, {@code tandem host list}): this node's report and every other
 * node's, asked of their AdminActors at once; after {@link #WITHIN} the answer goes out with whoever answered, and
 * the pool hosts whose node did not are named. Stops after answering.
 */
final class StatusRound extends AbstractBehavior<StatusRound.Command> {
  sealed interface Command {}
  private record Answered(NodeReport report) implements Command {}
  private enum Timeout implements Command { INSTANCE }

  /** Peers gather with the same bound as this node, plus the way there and back. */
  static final Duration WITHIN = NodeReportGatherer.WITHIN.plusSeconds(1);

  /** What the round's answers become: this node's report (or empty), the others', and the peers that stayed silent. */
  interface Screen {
    Admin.Reply render(Optional<NodeReport> local, List<NodeReport> others, int silentPeers);
  }

  static Behavior<Command> create(HostId self, AdminActor.Node node, Optional<ActorRef<StorageRoleActor.Command>> storage,
                                  Set<ActorRef<AdminActor.Command>> peers, Screen screen, ActorRef<Admin.Reply> replyTo) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startSingleTimer(Timeout.INSTANCE, WITHIN);
      return new StatusRound(ctx, self, node, storage, peers, screen, replyTo);
    }));
  }

  private final HostId self;
  private final int peers;
  private final Screen screen;
  private final ActorRef<Admin.Reply> replyTo;
  private Optional<NodeReport> local = Optional.empty();
  private final List<NodeReport> others = new ArrayList<>();

  private StatusRound(ActorContext<Command> ctx, HostId self, AdminActor.Node node,
                      Optional<ActorRef<StorageRoleActor.Command>> storage, Set<ActorRef<AdminActor.Command>> peers,
                      Screen screen, ActorRef<Admin.Reply> replyTo) {
    super(ctx);
    this.self = self;
    this.peers = peers.size();
    this.screen = screen;
    this.replyTo = replyTo;
    // One adapter per message class (a second would replace the first): this node's report is told apart by its host.
    ActorRef<NodeReport> reports = ctx.messageAdapter(NodeReport.class, Answered::new);
    ctx.spawnAnonymous(NodeReportGatherer.create(self, node, storage, reports));
    peers.forEach(p -> p.tell(new AdminActor.PeerReport(reports)));
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Answered.class, a -> {
          if (a.report().host().equals(self.uuid()) && local.isEmpty()) {
            local = Optional.of(a.report());
          } else {
            others.add(a.report());
          }
          return local.isPresent() && others.size() >= peers ? answer() : this;
        })
        .onMessageEquals(Timeout.INSTANCE, this::answer)
        .build();
  }

  private Behavior<Command> answer() {
    replyTo.tell(screen.render(local, List.copyOf(others), Math.max(0, peers - others.size())));
    return Behaviors.stopped();
  }
}
