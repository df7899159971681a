package org.tandemha.actors;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.ActorContext;
import java.time.Duration;
import java.util.function.Function;
import org.tandemha.protocol.HaEvent;

/**
 * "Persist, then act" for actors that are not event-sourced themselves: the event goes to the node's
 * {@link HaJournal} and the actor gets {@code next} only once the journal acknowledged it, or
 * {@code failed} if it did not (then the action must not happen).
 */
final class Recorder<C> {
  private final ActorContext<C> ctx;
  private final ActorRef<HaJournal.Command> journal;
  private final Duration timeout;

  Recorder(ActorContext<C> ctx, ActorRef<HaJournal.Command> journal, Duration timeout) {
    this.ctx = ctx;
    this.journal = journal;
    this.timeout = timeout;
  }

  void record(HaEvent event, C next, Function<Throwable, C> failed) {
    ctx.ask(Done.class, journal, timeout, replyTo -> new HaJournal.Record(event, replyTo),
        (done, error) -> error == null ? next : failed.apply(error));
  }
}
