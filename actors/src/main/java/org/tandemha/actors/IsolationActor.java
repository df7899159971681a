package org.tandemha.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.tandemha.actors.decide.Isolation;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.LocalDomains;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.QuorumVerdict;

/**
 * The isolation self-fence (issue #4 item 11, replaces HA-Lizard's carrier-only management-link check, §2.1):
 * every second this node looks at its standing quorum; once it has been without quorum for
 * MGT_LINK_LOSS_TOLERANCE while another side could be quorate and guests run here, it journals
 * {@code IsolationHardStop} and destroys them through {@link LocalDomains}, so the majority's takeover never
 * finds them running. Quorum changes are journaled as {@code QuorumEvaluated}. Armed only once this node has
 * been quorate since it started: a node started alone never stops the guests it finds.
 */
public final class IsolationActor extends AbstractBehavior<IsolationActor.Command> {
  public sealed interface Command {}
  /** The pool's host count, from the guardian's latest pool read. */
  public record PoolSize(int hosts) implements Command {}
  private enum Tick implements Command { INSTANCE }
  private enum Noted implements Command { INSTANCE }
  private record Judged(QuorumActor.Standing standing, Throwable error) implements Command {}
  private record DomainsRead(List<LocalDomains.Domain> domains, QuorumActor.Standing standing, Throwable error)
      implements Command {}
  private record StopJournaled(List<LocalDomains.Domain> domains) implements Command {}
  private record Stopped(int count, Throwable error) implements Command {}

  public static final Duration PERIOD = Duration.ofSeconds(1);

  /** @param standing told the standing quorum (true = quorate) on every change */
  public static Behavior<Command> create(HostId self, Duration tolerance, ActorRef<QuorumActor.Command> quorum,
                                         ActorRef<HaJournal.Command> journal, LocalDomains domains, Clock clock,
                                         Executor blockingIo, ActorRef<Boolean> standing) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, PERIOD);
      return new IsolationActor(ctx, self, tolerance, quorum, journal, domains, clock, blockingIo, standing);
    }));
  }

  private final HostId self;
  private final Duration tolerance;
  private final ActorRef<QuorumActor.Command> quorum;
  private final LocalDomains domains;
  private final Clock clock;
  private final Executor blockingIo;
  private final Recorder<Command> recorder;
  private final ActorRef<Boolean> standing;
  private int poolHosts;
  private boolean busy;
  private Optional<Instant> lastQuorate = Optional.empty();
  private Boolean wasQuorate;   // null until the first verdict
  private boolean stopping;
  private String lastReadError = "";

  private IsolationActor(ActorContext<Command> ctx, HostId self, Duration tolerance,
                         ActorRef<QuorumActor.Command> quorum, ActorRef<HaJournal.Command> journal,
                         LocalDomains domains, Clock clock, Executor blockingIo, ActorRef<Boolean> standing) {
    super(ctx);
    this.standing = standing;
    this.self = self;
    this.tolerance = tolerance;
    this.quorum = quorum;
    this.domains = domains;
    this.clock = clock;
    this.blockingIo = blockingIo;
    this.recorder = new Recorder<>(ctx, journal, Duration.ofSeconds(5));
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(PoolSize.class, p -> {
          poolHosts = p.hosts();
          return this;
        })
        .onMessageEquals(Tick.INSTANCE, this::tick)
        .onMessageEquals(Noted.INSTANCE, () -> this)
        .onMessage(Judged.class, this::onJudged)
        .onMessage(DomainsRead.class, this::onDomains)
        .onMessage(StopJournaled.class, this::stop)
        .onMessage(Stopped.class, s -> {
          stopping = false;
          busy = false;
          if (s.error() != null) {
            getContext().getLog().error("isolation: hard stop incomplete ({} stopped): {}", s.count(), s.error().toString());
          } else {
            getContext().getLog().warn("isolation: {} guest(s) hard-stopped on this host", s.count());
          }
          return this;
        })
        .build();
  }

  private Behavior<Command> tick() {
    if (busy || poolHosts == 0) return this;
    busy = true;
    getContext().ask(QuorumActor.Standing.class, quorum, Duration.ofSeconds(5),
        r -> new QuorumActor.Watch(poolHosts, r), Judged::new);
    return this;
  }

  private Behavior<Command> onJudged(Judged j) {
    if (j.error() != null) {
      busy = false;
      return this;
    }
    QuorumVerdict v = j.standing().verdict();
    Instant now = clock.now();
    if (v.quorate()) lastQuorate = Optional.of(now);
    if (wasQuorate == null || wasQuorate != v.quorate()) {
      getContext().getLog().info("quorum {}: {}/{} votes {}: {}", v.quorate() ? "HELD" : "LOST", v.votes(), v.needed(),
          v.sources(), v.reason());
      recorder.record(new HaEvent.QuorumEvaluated(v.votes(), v.needed(), v.quorate(), v.sources(),
          "standing quorum changed: " + v.reason(), now), Noted.INSTANCE, e -> Noted.INSTANCE);
      wasQuorate = v.quorate();
      standing.tell(v.quorate());
    }
    if (v.quorate() || lastQuorate.isEmpty() || stopping) {
      busy = false;
      return this;
    }
    getContext().pipeToSelf(CompletableFuture.supplyAsync(domains::running, blockingIo),
        (list, error) -> new DomainsRead(list, j.standing(), error));
    return this;
  }

  private Behavior<Command> onDomains(DomainsRead d) {
    if (d.error() != null) {
      busy = false;
      String why = d.error().getCause() != null ? d.error().getCause().toString() : d.error().toString();
      if (!why.equals(lastReadError)) getContext().getLog().error("isolation: cannot read this host's domains: {}", why);
      lastReadError = why;
      return this;
    }
    lastReadError = "";
    Isolation.Decision decision = Isolation.assess(new Isolation.Evidence(false, lastQuorate, clock.now(), tolerance,
        !d.domains().isEmpty(), false, d.standing().peerMayBeQuorate()));
    if (decision.action() != Isolation.Action.HARD_STOP || !decision.stopVms()) {
      busy = false;
      return this;
    }
    stopping = true;
    List<String> names = d.domains().stream().map(LocalDomains.Domain::name).toList();
    getContext().getLog().error("ISOLATED: {}; hard-stopping {} guest(s) on this host: {}", decision.reason(),
        names.size(), names);
    recorder.record(new HaEvent.IsolationHardStop(self, names, decision.reason(), clock.now()),
        new StopJournaled(d.domains()), e -> new Stopped(0, e));
    return this;
  }

  private Behavior<Command> stop(StopJournaled s) {
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> {
      int n = 0;
      for (LocalDomains.Domain d : s.domains()) {
        domains.destroy(d);
        n++;
      }
      return n;
    }, blockingIo), (n, error) -> new Stopped(n == null ? 0 : n, error));
    return this;
  }
}
