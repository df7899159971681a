package org.tandemha.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.tandemha.actors.port.XapiPort;

/**
 * Keeps one XAPI event.from wait open on the pool, VM and host classes and tells its parent the moment
 * something changed, so a halted VM is acted on in well under a second instead of at the next poll. Any
 * error (master moved, session lost, token unknown) starts over with an empty token: a full resync.
 */
public final class PoolWatchActor extends AbstractBehavior<PoolWatchActor.Command> {
  public sealed interface Command {}
  /** Sent to the parent: read the pool now. */
  public record PoolChanged(int changes) {}

  private enum Tick implements Command { WAIT }
  private record Waited(XapiPort.PoolChanges changes, Throwable error) implements Command {}

  public static Behavior<Command> create(XapiPort xapi, Executor blockingIo, Duration wait, ActorRef<PoolChanged> parent) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new PoolWatchActor(ctx, timers, xapi, blockingIo,
        wait, parent)));
  }

  private static final Duration RETRY_MIN = Duration.ofMillis(200);
  private static final Duration RETRY_MAX = Duration.ofSeconds(5);
  private final TimerScheduler<Command> timers;
  private final XapiPort xapi;
  private final Executor blockingIo;
  private final Duration wait;
  private final ActorRef<PoolChanged> parent;
  private String token = "";
  private Duration retry = RETRY_MIN;
  private String lastError = "";

  private PoolWatchActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, XapiPort xapi, Executor blockingIo,
                         Duration wait, ActorRef<PoolChanged> parent) {
    super(ctx);
    this.timers = timers;
    this.xapi = xapi;
    this.blockingIo = blockingIo;
    this.wait = wait;
    this.parent = parent;
    ctx.getSelf().tell(Tick.WAIT);
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.WAIT, this::waitForChanges)
        .onMessage(Waited.class, this::onWaited)
        .build();
  }

  private Behavior<Command> waitForChanges() {
    String from = token;
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> xapi.awaitChanges(from, wait), blockingIo),
        Waited::new);
    return this;
  }

  private Behavior<Command> onWaited(Waited w) {
    if (w.error() != null) {
      Throwable cause = w.error().getCause() != null ? w.error().getCause() : w.error();
      String why = String.valueOf(cause.getMessage());
      if (!why.equals(lastError)) {
        getContext().getLog().info("pool events: {}; resync with a full read, retrying in {}", why, retry);
      }
      lastError = why;
      token = "";
      timers.startSingleTimer(Tick.WAIT, retry);
      retry = retry.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : retry.multipliedBy(2);
      return this;
    }
    if (!lastError.isEmpty()) getContext().getLog().info("pool events: watching again");
    lastError = "";
    retry = RETRY_MIN;
    token = w.changes().token();
    if (w.changes().changes() > 0) parent.tell(new PoolChanged(w.changes().changes()));
    return waitForChanges();
  }
}
