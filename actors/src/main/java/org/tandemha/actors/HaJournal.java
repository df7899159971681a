package org.tandemha.actors;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import java.time.Duration;
import java.util.Set;
import org.tandemha.protocol.CborSerializable;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HostId;

/**
 * The node's record of HA decisions. Actors that are about to act send the event here and act only on the
 * reply, which comes after the journal acknowledged the write: nothing is done that is not on disk first.
 */
public final class HaJournal
    extends EventSourcedBehaviorWithEnforcedReplies<HaJournal.Command, HaEvent, HaJournal.State> {

  public sealed interface Command extends CborSerializable {}
  public record Record(HaEvent event, ActorRef<Done> replyTo) implements Command {}
  /** Arming and suspension as last journaled: they hold across restarts, also while XAPI is down. */
  public record GetStanding(ActorRef<Standing> replyTo) implements Command {}
  public record Standing(boolean armed, boolean suspended) implements CborSerializable {}

  /** How many decisions this node has recorded, and the standing they leave it in. */
  public record State(long recorded, boolean armed, boolean suspended) implements CborSerializable {}

  public static final String TAG = "ha-event";

  public static Behavior<Command> create(HostId self) { return new HaJournal(self); }

  private HaJournal(HostId self) {
    super(PersistenceId.of("Ha", self.uuid()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
  }

  @Override public State emptyState() { return new State(0, true, false); }

  @Override public CommandHandlerWithReply<Command, HaEvent, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Record.class, (s, c) -> Effect().persist(c.event()).thenReply(c.replyTo(), ns -> Done.getInstance()))
        .onCommand(GetStanding.class, (s, c) -> Effect().reply(c.replyTo(), new Standing(s.armed(), s.suspended())))
        .build();
  }

  @Override public EventHandler<State, HaEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> new State(s.recorded() + 1,
        e instanceof HaEvent.ArmingChanged a ? a.armed() : s.armed(),
        e instanceof HaEvent.Suspended || (s.suspended() && !(e instanceof HaEvent.SuspensionCleared))));
  }

  @Override public Set<String> tagsFor(HaEvent e) { return Set.of(TAG); }
}
