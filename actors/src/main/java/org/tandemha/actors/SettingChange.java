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
  private record Journaled(int index) implements Command {}
  private record NotJournaled(Throwable error) implements Command {}
  private record Written(Throwable error) implements Command {}

  /**
   * @param events one per key changed, journaled in order before {@code write} runs
   * @param done   the lines printed on success
   */
  record Change(List<HaEvent.ConfigChanged> events, Runnable write, List<String> done) {
    Change(HaEvent.ConfigChanged event, Runnable write, List<String> done) { this(List.of(event), write, done); }
  }

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
    this.recorder = new Recorder<>(ctx, node.journal(), Duration.ofSeconds(5));
    recorder.record(change.events().get(0), new Journaled(0), NotJournaled::new);
  }

  private final Recorder<Command> recorder;

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Journaled.class, j -> {
          HaEvent.ConfigChanged e = change.events().get(j.index());
          getContext().getLog().warn("config: {} {}: \"{}\" -> \"{}\" ({})", e.scope(), e.key(), e.from(), e.to(),
              e.source());
          if (j.index() + 1 < change.events().size()) {
            recorder.record(change.events().get(j.index() + 1), new Journaled(j.index() + 1), NotJournaled::new);
            return this;
          }
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
            getContext().getLog().error("config: {} NOT written: {}", change.events().stream()
                .map(HaEvent.ConfigChanged::key).toList(), c.toString());
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
