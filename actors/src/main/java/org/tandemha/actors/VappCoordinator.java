package org.tandemha.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.tandemha.actors.decide.VmPolicy;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.XapiFailure;
import org.tandemha.actors.port.XapiPort;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HaSettings;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.HostView;
import org.tandemha.protocol.PoolSnapshot;

/**
 * OP_MODE 1 on the master's node (issue #5 item 2): every vApp {@link VmPolicy#toStartVapp} says to start is
 * started through {@code VM_appliance.start}, so XAPI applies the vApp's own start order and delays; up to the
 * restart concurrency limit of vApps at once; a failed start backs off like a VM's. XAPI places the members
 * itself, so a fenced host XAPI still believes live and enabled is first declared dead ({@code host.declare_dead},
 * safe only because the fence confirmed it off) — otherwise XAPI would pick it and the start would fail.
 */
public final class VappCoordinator extends AbstractBehavior<VappCoordinator.Command> {
  public sealed interface Command {}
  /** The pool settings changed (`tandem config set`): used from the next decision on. */
  public record Reconfigured(HaSettings ha) implements Command {}
  /** The latest pool read as master with pool HA on. */
  public record Round(PoolSnapshot pool, boolean quorate, Set<HostId> fenced) implements Command {}
  private record Issued(PoolSnapshot.Appliance vapp) implements Command {}
  private record StartEnded(PoolSnapshot.Appliance vapp, Throwable error) implements Command {}
  private record DeclareIssued(HostId host) implements Command {}
  private record Declared(HostId host, Throwable error) implements Command {}
  private record NotIssued(String what, Throwable error) implements Command {}
  private enum Noted implements Command { INSTANCE }

  public static Behavior<Command> create(HaSettings ha, int limit, XapiPort xapi, ActorRef<HaJournal.Command> journal,
                                         Clock clock, Executor blockingIo, Runnable readAgain) {
    return Behaviors.setup(ctx -> new VappCoordinator(ctx, ha, limit, xapi, journal, clock, blockingIo, readAgain));
  }

  private HaSettings ha;   // replaced when the pool settings change (Reconfigured)
  private final int limit;
  private final XapiPort xapi;
  private final Clock clock;
  private final Executor blockingIo;
  private final Runnable readAgain;
  private final Recorder<Command> recorder;
  private final Set<String> inFlight = new HashSet<>();
  private final Set<HostId> declaring = new HashSet<>();
  private final Set<HostId> declared = new HashSet<>();   // during this fence; a stale read may still show it enabled
  private final Backoff<String> backoff = new Backoff<>();
  private final Map<String, Instant> lastEnded = new HashMap<>();
  private final Map<String, String> lastNote = new HashMap<>();

  private VappCoordinator(ActorContext<Command> ctx, HaSettings ha, int limit, XapiPort xapi,
                          ActorRef<HaJournal.Command> journal, Clock clock, Executor blockingIo, Runnable readAgain) {
    super(ctx);
    this.ha = ha;
    this.limit = limit;
    this.xapi = xapi;
    this.clock = clock;
    this.blockingIo = blockingIo;
    this.readAgain = readAgain;
    this.recorder = new Recorder<>(ctx, journal, Duration.ofSeconds(5));
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Reconfigured.class, r -> {
          ha = r.ha();
          return this;
        })
        .onMessage(Round.class, this::onRound)
        .onMessage(Issued.class, this::start)
        .onMessage(StartEnded.class, this::onStartEnded)
        .onMessage(DeclareIssued.class, this::declare)
        .onMessage(Declared.class, this::onDeclared)
        .onMessage(NotIssued.class, n -> {
          getContext().getLog().error("{}: not journaled, not done: {}", n.what(), n.error().toString());
          return this;
        })
        .onMessageEquals(Noted.INSTANCE, () -> this)
        .build();
  }

  private Behavior<Command> onRound(Round r) {
    PoolSnapshot pool = r.pool();
    Instant now = clock.now();
    Map<PoolSnapshot.Appliance, String> due = new java.util.TreeMap<>(
        java.util.Comparator.comparing(PoolSnapshot.Appliance::name).thenComparing(PoolSnapshot.Appliance::uuid));
    for (PoolSnapshot.Appliance a : pool.appliances()) {
      if (inFlight.contains(a.uuid())) continue;
      // A read that began before this vApp's last start ended may not show that start yet.
      Instant ended = lastEnded.get(a.uuid());
      if (ended != null && !pool.at().isAfter(ended)) continue;
      VmPolicy.Verdict v = VmPolicy.toStartVapp(ha, pool.pool(), a, pool.members(a.uuid()));
      if (!v.act()) {
        note(a, "left alone: " + v.reason());
        if (pool.members(a.uuid()).stream().noneMatch(org.tandemha.protocol.VmView::halted)) backoff.forget(a.uuid());
        continue;
      }
      if (!backoff.waiting(a.uuid(), now)) due.put(a, v.reason());
    }
    if (due.isEmpty()) return this;
    if (!r.quorate()) {
      due.keySet().forEach(a -> note(a, "halted members, but this node has no quorum: a node without quorum starts nothing"));
      return this;
    }
    // XAPI chooses the members' hosts: a fenced host it still thinks live and enabled must be declared dead first.
    declared.retainAll(r.fenced());
    List<HostView> stale = pool.hosts().stream()
        .filter(h -> r.fenced().contains(h.id()) && h.live() && h.enabled() && !declared.contains(h.id())).toList();
    if (!stale.isEmpty()) {
      for (HostView h : stale) {
        if (!declaring.add(h.id())) continue;
        String reason = "fence confirmed it off, but XAPI still lists it live and enabled and would place vApp "
            + "members on it";
        getContext().getLog().info("host {}: declaring dead in XAPI: {}", h.name(), reason);
        recorder.record(new HaEvent.HostDeclaredDead(h.id(), reason, clock.now()), new DeclareIssued(h.id()),
            e -> { declaring.remove(h.id()); return new NotIssued("declare " + h.id() + " dead", e); });
      }
      return this;
    }
    for (Map.Entry<PoolSnapshot.Appliance, String> d : due.entrySet()) {
      PoolSnapshot.Appliance a = d.getKey();
      if (inFlight.size() >= limit) break;
      inFlight.add(a.uuid());
      String reason = d.getValue() + "; VM_appliance.start applies the vApp's start order and delays";
      getContext().getLog().info("vApp {} ({}): starting: {}", a.name(), a.uuid(), reason);
      recorder.record(new HaEvent.VappStartIssued(a.uuid(), a.name(), reason, clock.now()), new Issued(a),
          e -> { inFlight.remove(a.uuid()); return new NotIssued("start of vApp " + a.name(), e); });
    }
    return this;
  }

  private Behavior<Command> declare(DeclareIssued d) {
    getContext().pipeToSelf(CompletableFuture.runAsync(() -> xapi.declareDead(d.host()), blockingIo),
        (ok, error) -> new Declared(d.host(), error));
    return this;
  }

  private Behavior<Command> onDeclared(Declared d) {
    declaring.remove(d.host());
    if (d.error() == null) declared.add(d.host());
    if (d.error() != null) {
      getContext().getLog().warn("host {}: host.declare_dead failed: {}; tried again next round", d.host(),
          cause(d.error()).getMessage());
    }
    readAgain.run();
    return this;
  }

  private Behavior<Command> start(Issued i) {
    getContext().pipeToSelf(CompletableFuture.runAsync(() -> xapi.startAppliance(i.vapp().uuid()), blockingIo),
        (ok, error) -> new StartEnded(i.vapp(), error));
    return this;
  }

  private Behavior<Command> onStartEnded(StartEnded s) {
    PoolSnapshot.Appliance a = s.vapp();
    inFlight.remove(a.uuid());
    lastEnded.put(a.uuid(), clock.now());
    if (s.error() == null) {
      getContext().getLog().info("vApp {} ({}): started", a.name(), a.uuid());
      backoff.forget(a.uuid());
      recorder.record(new HaEvent.VappStarted(a.uuid(), a.name(), clock.now()), Noted.INSTANCE, e -> Noted.INSTANCE);
    } else {
      Throwable cause = cause(s.error());
      String code = cause instanceof XapiFailure f ? f.code() : cause.getClass().getSimpleName();
      Backoff.Wait w = backoff.failed(a.uuid(), clock.now());
      String error = code + ": " + cause.getMessage() + "; round " + w.round() + ", next try in " + w.delay().toSeconds()
          + " s";
      getContext().getLog().warn("vApp {} ({}): start failed: {}", a.name(), a.uuid(), error);
      recorder.record(new HaEvent.VappStartFailed(a.uuid(), a.name(), error, clock.now()), Noted.INSTANCE,
          e -> Noted.INSTANCE);
    }
    readAgain.run();
    return this;
  }

  private static Throwable cause(Throwable t) {
    return t.getCause() != null ? t.getCause() : t;
  }

  private void note(PoolSnapshot.Appliance a, String what) {
    if (what.equals(lastNote.put(a.uuid(), what))) return;
    getContext().getLog().info("vApp {} ({}): {}", a.name(), a.uuid(), what);
  }
}
