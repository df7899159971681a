package org.tandemha.actors;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.pattern.StatusReply;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.tandemha.protocol.AutopromoteEvent;
import org.tandemha.protocol.AutopromoteEvent.AutopromoteWinnerChosen;
import org.tandemha.protocol.CborSerializable;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PoolId;

/**
 * The autopromote winner as this node last chose (master) or saw (slave) it. Persisted, so a slave still
 * knows whether it may take over when XAPI is down and after a restart.
 */
public final class AutopromoteActor extends EventSourcedBehaviorWithEnforcedReplies<
    AutopromoteActor.Command, AutopromoteEvent, AutopromoteActor.State> {

  public sealed interface Command extends CborSerializable {}
  /** Record the winner; idempotent: the same winner again writes nothing. */
  public record ChooseWinner(PoolId pool, Optional<HostId> winner, String reason, Instant at,
                             ActorRef<StatusReply<Done>> replyTo) implements Command {}
  public record GetWinner(ActorRef<Winner> replyTo) implements Command {}

  public record Winner(Optional<HostId> host) implements CborSerializable {}
  public record State(Optional<HostId> winner, boolean known) implements CborSerializable {}

  public static Behavior<Command> create(HostId self) { return new AutopromoteActor(self); }

  private AutopromoteActor(HostId self) {
    super(PersistenceId.of("Autopromote", self.uuid()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
  }

  /**
   * A snapshot every {@value #SNAPSHOT_EVERY} events, the newest two kept (issue #6 item 5): recovery reads a snapshot
   * and the events after it, so the journal's old segments can expire. Events are never deleted by this: the
   * journal keeps them for operators until its retention.
   */
  @Override public akka.persistence.typed.javadsl.RetentionCriteria retentionCriteria() {
    return akka.persistence.typed.javadsl.RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2);
  }

  static final int SNAPSHOT_EVERY = 500;

  @Override public State emptyState() { return new State(Optional.empty(), false); }

  @Override public CommandHandlerWithReply<Command, AutopromoteEvent, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(ChooseWinner.class, this::onChooseWinner)
        .onCommand(GetWinner.class, (s, c) -> Effect().reply(c.replyTo(), new Winner(s.winner())))
        .build();
  }

  private ReplyEffect<AutopromoteEvent, State> onChooseWinner(State s, ChooseWinner c) {
    if (s.known() && s.winner().equals(c.winner())) return Effect().reply(c.replyTo(), StatusReply.ack());
    return Effect().persist(new AutopromoteWinnerChosen(c.pool(), c.winner(), c.reason(), c.at()))
        .thenReply(c.replyTo(), ns -> StatusReply.ack());
  }

  @Override public EventHandler<State, AutopromoteEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(AutopromoteWinnerChosen.class, (s, e) -> new State(e.winner(), true))
        .build();
  }

  @Override public Set<String> tagsFor(AutopromoteEvent e) { return Set.of(HaJournal.TAG); }
}
