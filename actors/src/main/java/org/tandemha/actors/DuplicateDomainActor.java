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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.tandemha.actors.decide.Duplicates;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.LocalDomains;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PoolSnapshot;

/**
 * On every node (issue #5 item 6): after each pool read, compares the guests this host's hypervisor really runs
 * ({@link LocalDomains}) with where XAPI says they are; a copy {@link Duplicates} confirms stray is journaled,
 * then destroyed. Reads one at a time; a read that fails is logged and the next pool read tries again.
 */
public final class DuplicateDomainActor extends AbstractBehavior<DuplicateDomainActor.Command> {
  public sealed interface Command {}
  /** A pool read with pool HA on. */
  public record Observed(PoolSnapshot pool) implements Command {}
  private record LocalRead(PoolSnapshot pool, List<LocalDomains.Domain> domains, Throwable error) implements Command {}
  private record DestroyIssued(Duplicates.Stray stray) implements Command {}
  private record Destroyed(Duplicates.Stray stray, Throwable error) implements Command {}

  public static Behavior<Command> create(HostId self, LocalDomains domains, ActorRef<HaJournal.Command> journal,
                                         Clock clock, Executor blockingIo) {
    return Behaviors.setup(ctx -> new DuplicateDomainActor(ctx, self, domains, journal, clock, blockingIo));
  }

  private final HostId self;
  private final LocalDomains domains;
  private final Clock clock;
  private final Executor blockingIo;
  private final Recorder<Command> recorder;
  private boolean busy;
  private String lastError = "";
  private Map<String, Instant> suspects = Map.of();

  private DuplicateDomainActor(ActorContext<Command> ctx, HostId self, LocalDomains domains,
                               ActorRef<HaJournal.Command> journal, Clock clock, Executor blockingIo) {
    super(ctx);
    this.self = self;
    this.domains = domains;
    this.clock = clock;
    this.blockingIo = blockingIo;
    this.recorder = new Recorder<>(ctx, journal, Duration.ofSeconds(5));
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Observed.class, this::onObserved)
        .onMessage(LocalRead.class, this::onLocalRead)
        .onMessage(DestroyIssued.class, this::destroy)
        .onMessage(Destroyed.class, this::onDestroyed)
        .build();
  }

  private Behavior<Command> onObserved(Observed o) {
    if (busy) return this;
    busy = true;
    getContext().pipeToSelf(CompletableFuture.supplyAsync(domains::running, blockingIo),
        (list, error) -> new LocalRead(o.pool(), list, error));
    return this;
  }

  private Behavior<Command> onLocalRead(LocalRead r) {
    if (r.error() != null) {
      busy = false;
      String why = (r.error().getCause() != null ? r.error().getCause() : r.error()).getMessage();
      if (!why.equals(lastError)) getContext().getLog().warn("duplicates: local domains not read: {}", why);
      lastError = why;
      return this;
    }
    lastError = "";
    // The hypervisor was read after the pool: a domain XAPI placed elsewhere meanwhile shows up as a suspect only.
    Duplicates.Decision d = Duplicates.decide(new Duplicates.Evidence(self, r.domains(), r.pool(), suspects, clock.now()));
    suspects = d.suspects();
    if (d.destroy().isEmpty()) {
      busy = false;
      return this;
    }
    Duplicates.Stray s = d.destroy().get(0);   // one at a time; the next read finds any other
    getContext().getLog().error("duplicate: VM {} ({}): {}; destroying this host's copy", s.vm().name(), s.vm().id(),
        s.evidence());
    recorder.record(new HaEvent.DuplicateDomainDestroyed(s.vm().id(), s.vm().name(), self, s.residentOn(), s.evidence(),
        clock.now()), new DestroyIssued(s), e -> new Destroyed(s, e));
    return this;
  }

  private Behavior<Command> destroy(DestroyIssued i) {
    getContext().pipeToSelf(CompletableFuture.runAsync(() -> domains.destroy(i.stray().domain()), blockingIo),
        (ok, error) -> new Destroyed(i.stray(), error));
    return this;
  }

  private Behavior<Command> onDestroyed(Destroyed d) {
    busy = false;
    suspects = Map.of();
    if (d.error() != null) {
      getContext().getLog().error("duplicate: VM {}: local copy not destroyed: {}", d.stray().vm().name(),
          d.error().toString());
    } else {
      getContext().getLog().info("duplicate: VM {}: local copy destroyed", d.stray().vm().name());
    }
    return this;
  }
}
