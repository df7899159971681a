package org.tandemha.actors;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
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
  /** @param master the pool master of the read the winner comes from */
  public record ChooseWinner(PoolId pool, Optional<HostId> winner, String reason, Instant at, Optional<HostId> master,
                             ActorRef<StatusReply<Done>> replyTo) implements Command {
    public ChooseWinner(PoolId pool, Optional<HostId> winner, String reason, Instant at,
                        ActorRef<StatusReply<Done>> replyTo) {
      this(pool, winner, reason, at, Optional.empty(), replyTo);
    }
  }
  public record GetWinner(ActorRef<Winner> replyTo) implements Command {}

  /** @param asOf when this node last chose or read it (empty: never known) — the freshest belief wins a conflict */
  /** @param master the pool master of the read (or choice) that last named the winner, if known since start */
  public record Winner(Optional<HostId> host, Optional<java.time.Instant> asOf, Optional<HostId> master)
      implements CborSerializable {
    public Winner(Optional<HostId> host) { this(host, Optional.empty(), Optional.empty()); }
  }
  /** @param changedAt when the winner last changed (null in snapshots written before it was kept) */
  public record State(Optional<HostId> winner, boolean known, java.time.Instant changedAt) implements CborSerializable {}

  /** Every node's, so a slave about to take over can ask the others which winner they read last. */
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "tandem-autopromote");

  public static Behavior<Command> create(HostId self) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
      return new AutopromoteActor(self);
    });
  }

  /** The last read or choice that named the current winner again (not persisted: the journal keeps changes). */
  private java.time.Instant confirmedAt;
  private Optional<HostId> masterSeen = Optional.empty();

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

  @Override public State emptyState() { return new State(Optional.empty(), false, null); }

  @Override public CommandHandlerWithReply<Command, AutopromoteEvent, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(ChooseWinner.class, this::onChooseWinner)
        .onCommand(GetWinner.class, (s, c) -> Effect().reply(c.replyTo(), new Winner(s.winner(), asOf(s), masterSeen)))
        .build();
  }

  private Optional<java.time.Instant> asOf(State s) {
    if (!s.known()) return Optional.empty();
    java.time.Instant at = s.changedAt();
    if (confirmedAt != null && (at == null || confirmedAt.isAfter(at))) at = confirmedAt;
    return Optional.ofNullable(at);
  }

  private ReplyEffect<AutopromoteEvent, State> onChooseWinner(State s, ChooseWinner c) {
    if (c.master().isPresent()) masterSeen = c.master();
    if (s.known() && s.winner().equals(c.winner())) {
      if (confirmedAt == null || c.at().isAfter(confirmedAt)) confirmedAt = c.at();
      return Effect().reply(c.replyTo(), StatusReply.ack());
    }
    confirmedAt = c.at();
    return Effect().persist(new AutopromoteWinnerChosen(c.pool(), c.winner(), c.reason(), c.at()))
        .thenReply(c.replyTo(), ns -> StatusReply.ack());
  }

  @Override public EventHandler<State, AutopromoteEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(AutopromoteWinnerChosen.class, (s, e) -> new State(e.winner(), true, e.at()))
        .build();
  }

  @Override public Set<String> tagsFor(AutopromoteEvent e) { return Set.of(HaJournal.TAG); }
}
