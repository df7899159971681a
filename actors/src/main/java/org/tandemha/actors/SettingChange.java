package org.tandemha.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.tandemha.protocol.Admin;
import org.tandemha.protocol.HaEvent;

/**
 * One setting an operator changes through {@code tandem}: journaled first ({@code ConfigChanged}: who, where, old →
 * new), then written through XAPI on the blocking pool, then the node reads the pool again so the change takes
 * effect at once. A journal that does not acknowledge means nothing is written; a refused write is reported (the
 * journal then holds the attempt, the pool is unchanged). Answers once and stops.
 */
final class SettingChange extends AbstractBehavior<SettingChange.Command> {
  sealed interface Command {}
  private enum Journaled implements Command { INSTANCE }
  private record NotJournaled(Throwable error) implements Command {}
  private record Written(Throwable error) implements Command {}

  /** @param done the lines printed on success */
  record Change(HaEvent.ConfigChanged event, Runnable write, List<String> done) {}

  static Behavior<Command> create(AdminActor.Node node, Change change, ActorRef<Admin.Reply> replyTo) {
    return Behaviors.setup(ctx -> new SettingChange(ctx, node, change, replyTo));
  }

  private final AdminActor.Node node;
  private final Change change;
  private final ActorRef<Admin.Reply> replyTo;

  private SettingChange(ActorContext<Command> ctx, AdminActor.Node node, Change change, ActorRef<Admin.Reply> replyTo) {
    super(ctx);
    this.node = node;
    this.change = change;
    this.replyTo = replyTo;
    new Recorder<Command>(ctx, node.journal(), Duration.ofSeconds(5)).record(change.event(), Journaled.INSTANCE,
        NotJournaled::new);
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Journaled.INSTANCE, () -> {
          HaEvent.ConfigChanged e = change.event();
          getContext().getLog().warn("config: {} {}: \"{}\" -> \"{}\" ({})", e.scope(), e.key(), e.from(), e.to(),
              e.source());
          getContext().pipeToSelf(CompletableFuture.runAsync(change.write(), node.blockingIo()),
              (ok, error) -> new Written(error));
          return this;
        })
        .onMessage(NotJournaled.class, n -> {
          replyTo.tell(new Admin.Reply(1, List.of("not changed: the node's journal did not record the change ("
              + n.error() + ")")));
          return Behaviors.stopped();
        })
        .onMessage(Written.class, w -> {
          if (w.error() != null) {
            Throwable c = w.error() instanceof java.util.concurrent.CompletionException && w.error().getCause() != null
                ? w.error().getCause() : w.error();
            getContext().getLog().error("config: {} {} NOT written: {}", change.event().scope(), change.event().key(),
                c.toString());
            replyTo.tell(new Admin.Reply(1, List.of("not changed: XAPI refused the write (" + c.getMessage()
                + "); the attempt is in the journal, the pool is as it was")));
            return Behaviors.stopped();
          }
          node.guardian().tell(NodeGuardian.ReadNow.INSTANCE);
          replyTo.tell(new Admin.Reply(0, change.done()));
          return Behaviors.stopped();
        })
        .build();
  }
}
