package org.tandemha.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.FencePort;
import org.tandemha.protocol.FenceOutcome;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PowerState;

/**
 * One fence device. One power-off at a time per target; a timeout is a failure; success means the device's
 * status read-back says OFF. Request and outcome are journaled, the request before the device is touched.
 */
public final class FenceAgentActor extends AbstractBehavior<FenceAgentActor.Command> {
  public sealed interface Command {}
  public record Fence(HostId target, String reason, ActorRef<FenceOutcome> replyTo) implements Command {}
  private record Requested(HostId target) implements Command {}
  private record Finished(HostId target, PowerState seen, Throwable error) implements Command {}
  private record TimedOut(HostId target) implements Command {}
  private record Answer(FenceOutcome outcome) implements Command {}
  private record NotRecorded(HostId target, Throwable error) implements Command {}

  public static Behavior<Command> create(FencePort port, ActorRef<HaJournal.Command> journal, Clock clock,
                                         Executor blockingIo, Duration timeout) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new FenceAgentActor(ctx, timers, port, journal, clock, blockingIo, timeout)));
  }

  private final TimerScheduler<Command> timers;
  private final FencePort port;
  private final Clock clock;
  private final Executor blockingIo;
  private final Duration timeout;
  private final Recorder<Command> recorder;
  private final Map<HostId, List<ActorRef<FenceOutcome>>> waiting = new HashMap<>();
  private final Set<HostId> callInFlight = new HashSet<>();

  private FenceAgentActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, FencePort port,
                          ActorRef<HaJournal.Command> journal, Clock clock, Executor blockingIo, Duration timeout) {
    super(ctx);
    this.timers = timers;
    this.port = port;
    this.clock = clock;
    this.blockingIo = blockingIo;
    this.timeout = timeout;
    this.recorder = new Recorder<>(ctx, journal, timeout);
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Fence.class, this::onFence)
        .onMessage(Requested.class, this::onRequested)
        .onMessage(Finished.class, this::onFinished)
        .onMessage(TimedOut.class, this::onTimedOut)
        .onMessage(Answer.class, this::onAnswer)
        .onMessage(NotRecorded.class, this::onNotRecorded)
        .build();
  }

  private Behavior<Command> onFence(Fence cmd) {
    HostId target = cmd.target();
    boolean idle = !waiting.containsKey(target) && !callInFlight.contains(target);
    waiting.computeIfAbsent(target, t -> new ArrayList<>()).add(cmd.replyTo());
    if (idle) {
      getContext().getLog().info("fence {}: requested via {}, reason: {}", target, port.device(), cmd.reason());
      recorder.record(new HaEvent.FenceRequested(target, port.device(), cmd.reason(), clock.now()),
          new Requested(target), e -> new NotRecorded(target, e));
      timers.startSingleTimer(target, new TimedOut(target), timeout);
    }
    return this;
  }

  private Behavior<Command> onRequested(Requested r) {
    HostId target = r.target();
    callInFlight.add(target);
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> powerOffAndReadBack(target), blockingIo),
        (seen, error) -> new Finished(target, seen, error));
    return this;
  }

  /** The device's own reply to "off" is not proof; only a status read afterwards is. */
  private PowerState powerOffAndReadBack(HostId target) {
    port.powerOff(target);
    return port.status(target);
  }

  private Behavior<Command> onFinished(Finished f) {
    callInFlight.remove(f.target());
    if (!waiting.containsKey(f.target())) {   // already reported as timed out
      getContext().getLog().warn("fence {}: late answer after timeout ignored (read back {}, error {})",
          f.target(), f.seen(), f.error());
      return this;
    }
    timers.cancel(f.target());
    FenceOutcome outcome = f.error() == null && f.seen() == PowerState.OFF
        ? new FenceOutcome.Confirmed(f.target(), port.device(), port.confirmation(f.target()), clock.now())
        : new FenceOutcome.Failed(f.target(), port.device(),
            f.error() != null ? String.valueOf(f.error().getCause() != null ? f.error().getCause() : f.error())
                : "power read back " + f.seen(), clock.now());
    report(outcome);
    return this;
  }

  private Behavior<Command> onTimedOut(TimedOut t) {
    report(new FenceOutcome.Failed(t.target(), port.device(), "no confirmed answer within " + timeout, clock.now()));
    return this;
  }

  private void report(FenceOutcome outcome) {
    HaEvent event = outcome instanceof FenceOutcome.Confirmed c
        ? new HaEvent.FenceConfirmed(c.target(), c.device(), c.evidence(), c.at())
        : new HaEvent.FenceFailed(outcome.target(), port.device(), ((FenceOutcome.Failed) outcome).reason(), clock.now());
    // An unrecorded confirmation must not let anyone act on it.
    recorder.record(event, new Answer(outcome), e -> new Answer(outcome instanceof FenceOutcome.Confirmed
        ? new FenceOutcome.Failed(outcome.target(), port.device(), "confirmation not journaled: " + e, clock.now())
        : outcome));
  }

  private Behavior<Command> onAnswer(Answer a) {
    List<ActorRef<FenceOutcome>> ws = waiting.remove(a.outcome().target());
    if (ws == null) return this;
    if (a.outcome() instanceof FenceOutcome.Confirmed) {
      getContext().getLog().info("fence {}: confirmed off by {}", a.outcome().target(), port.device());
    } else {
      getContext().getLog().warn("fence {}: FAILED via {}: {}", a.outcome().target(), port.device(),
          ((FenceOutcome.Failed) a.outcome()).reason());
    }
    ws.forEach(w -> w.tell(a.outcome()));
    return this;
  }

  private Behavior<Command> onNotRecorded(NotRecorded n) {
    getContext().getLog().error("fence {}: journal did not acknowledge the request, device NOT touched: {}",
        n.target(), n.error().toString());
    timers.cancel(n.target());
    List<ActorRef<FenceOutcome>> ws = waiting.remove(n.target());
    FenceOutcome failed = new FenceOutcome.Failed(n.target(), port.device(), "journal write failed", clock.now());
    if (ws != null) ws.forEach(w -> w.tell(failed));
    return this;
  }
}
