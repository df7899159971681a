package org.tandemha.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.tandemha.actors.decide.HostChoice;
import org.tandemha.actors.decide.RestartOrder;
import org.tandemha.actors.decide.VdiRelease;
import org.tandemha.actors.decide.VmPolicy;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.XapiFailure;
import org.tandemha.actors.port.XapiPort;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HaSettings;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PoolSnapshot;
import org.tandemha.protocol.VmId;
import org.tandemha.protocol.VmView;

/**
 * Brings halted managed VMs back, on the master's node (issue #5): every pool read, the VMs that
 * {@link VmPolicy} says to restart are ordered by {@link RestartOrder} (priority classes, the concurrency
 * limit) and placed by {@link HostChoice} (live, enabled, unfenced; affinity, free memory; hosts that failed
 * this VM skipped). A start that fails is tried on the next host; when every host failed the VM waits with
 * an exponential backoff. Every decision is journaled before it is acted on; nothing starts without quorum.
 */
public final class RestartCoordinator extends AbstractBehavior<RestartCoordinator.Command> {
  public sealed interface Command {}
  /** The pool settings changed (`tandem config set`): used from the next decision on. */
  public record Reconfigured(HaSettings ha) implements Command {}
  /** The latest pool read as master with pool HA on. */
  public record Round(PoolSnapshot pool, boolean quorate, Set<HostId> fenced) implements Command {}
  private record Issued(VmView vm, HostId host) implements Command {}
  private record NotIssued(VmId vm, Throwable error) implements Command {}
  private record StartEnded(VmView vm, HostId host, Throwable error) implements Command {}
  private record AttachmentsRead(VmView vm, HostId host, List<XapiPort.VdiAttachment> found, Throwable error)
      implements Command {}
  private record ReleaseIssued(VmView vm, HostId host, List<XapiPort.VdiAttachment> release) implements Command {}
  private enum Noted implements Command { INSTANCE }

  public static Behavior<Command> create(HostId self, HaSettings ha, int limit, XapiPort xapi,
                                         ActorRef<HaJournal.Command> journal, Clock clock, Executor blockingIo,
                                         Runnable readAgain) {
    return Behaviors.setup(ctx -> new RestartCoordinator(ctx, self, ha, limit, xapi, journal, clock, blockingIo,
        readAgain));
  }

  private final HostId self;
  private HaSettings ha;   // replaced when the pool settings change (Reconfigured)
  private final int limit;
  private final XapiPort xapi;
  private final Clock clock;
  private final Executor blockingIo;
  private final Recorder<Command> recorder;
  private final Runnable readAgain;
  private final Map<VmId, Integer> inFlight = new HashMap<>();
  private final Map<VmId, Set<HostId>> failedOn = new HashMap<>();
  private final Backoff<VmId> backoff = new Backoff<>();
  private final Map<VmId, Instant> lastEnded = new HashMap<>();
  private final Map<VmId, String> lastNote = new HashMap<>();
  private final Set<VmId> vdiRetried = new HashSet<>();
  private Set<HostId> lastFenced = Set.of();
  private Round lastRound;
  private boolean noQuorumNoted;
  private final Set<String> reportedInvalid = new HashSet<>();

  private RestartCoordinator(ActorContext<Command> ctx, HostId self, HaSettings ha, int limit, XapiPort xapi,
                             ActorRef<HaJournal.Command> journal, Clock clock, Executor blockingIo, Runnable readAgain) {
    super(ctx);
    this.self = self;
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
        .onMessage(NotIssued.class, n -> {
          inFlight.remove(n.vm());
          getContext().getLog().error("vm {}: restart not journaled, not started: {}", n.vm(), n.error().toString());
          return this;
        })
        .onMessage(StartEnded.class, this::onStartEnded)
        .onMessage(AttachmentsRead.class, this::onAttachmentsRead)
        .onMessage(ReleaseIssued.class, this::release)
        .onMessageEquals(Noted.INSTANCE, () -> this)
        .build();
  }

  private Behavior<Command> onRound(Round r) {
    PoolSnapshot pool = r.pool();
    lastRound = r;
    lastFenced = r.fenced();
    Instant now = clock.now();
    List<RestartOrder.Candidate> waiting = new ArrayList<>();
    Map<VmId, VmView> byId = new HashMap<>();
    Map<VmId, String> why = new HashMap<>();
    Map<VmId, Integer> unseen = new HashMap<>();
    for (VmView vm : pool.vms()) {
      if (vm.controlDomain() || vm.template() || vm.snapshot() || inFlight.containsKey(vm.id())) continue;
      // A read that began before this VM's last start ended may not show that start yet.
      Instant ended = lastEnded.get(vm.id());
      if (ended != null && !pool.at().isAfter(ended)) {
        unseen.put(vm.id(), RestartOrder.priorityClass(vm.otherConfig(), vm.order()));
        continue;
      }
      reportInvalid(vm);
      VmPolicy.Verdict v = VmPolicy.toRestart(ha, pool.pool(), vm);
      if (!v.act()) {
        if (vm.halted()) note(vm, "left halted: " + v.reason());
        if (!vm.halted()) forget(vm.id());
        continue;
      }
      if (backoff.waiting(vm.id(), now)) continue;
      waiting.add(new RestartOrder.Candidate(vm.id(), vm.name(), RestartOrder.priorityClass(vm.otherConfig(),
          vm.order()), vm.order()));
      byId.put(vm.id(), vm);
      why.put(vm.id(), v.reason());
    }
    if (waiting.isEmpty()) return this;
    if (!r.quorate()) {
      if (!noQuorumNoted) getContext().getLog().warn("restart: {} VM(s) halted, but this node has no quorum: "
          + "a node without quorum starts nothing", waiting.size());
      noQuorumNoted = true;
      return this;
    }
    noQuorumNoted = false;
    RestartOrder.Decision d = RestartOrder.next(new RestartOrder.Evidence(waiting, inFlight, limit, unseen));
    for (RestartOrder.Candidate c : d.start()) {
      VmView vm = byId.get(c.id());
      Map<HostId, Long> free = new HashMap<>();
      pool.hosts().forEach(h -> free.put(h.id(), h.memoryFree()));
      HostChoice.Choice where = HostChoice.choose(new HostChoice.Evidence(vm.affinity(), pool.hosts(), free,
          r.fenced(), failedOn.getOrDefault(vm.id(), Set.of())));
      if (where.host().isEmpty()) {
        backOff(vm, where.reason());
        continue;
      }
      HostId host = where.host().get();
      inFlight.put(vm.id(), c.priorityClass());
      String reason = why.get(vm.id()) + "; priority class " + c.priorityClass()
          + "; on " + host + ": " + where.reason();
      getContext().getLog().info("vm {} ({}): restarting: {}", vm.name(), vm.id(), reason);
      recorder.record(new HaEvent.VmRestartIssued(vm.id(), vm.name(), host, reason, clock.now()), new Issued(vm, host),
          e -> new NotIssued(vm.id(), e));
    }
    return this;
  }

  private Behavior<Command> start(Issued i) {
    getContext().pipeToSelf(CompletableFuture.runAsync(() -> xapi.startOn(i.vm().id(), i.host()), blockingIo),
        (ok, error) -> new StartEnded(i.vm(), i.host(), error));
    return this;
  }

  private Behavior<Command> onStartEnded(StartEnded s) {
    VmView vm = s.vm();
    if (s.error() != null && (s.error().getCause() != null ? s.error().getCause() : s.error()) instanceof XapiFailure f
        && HostChoice.vdiInUse(f.code()) && vdiRetried.add(vm.id())) {
      // HA-Lizard's SR_BACKEND_FAILURE_46 step: release what a dead host left attached, retry once (still in flight).
      getContext().getLog().warn("vm {} ({}): start on {} failed ({}): reading its disks' attachments", vm.name(),
          vm.id(), s.host(), f.code());
      getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> xapi.vdiAttachments(vm.id()), blockingIo),
          (found, error) -> new AttachmentsRead(vm, s.host(), found, error));
      return this;
    }
    inFlight.remove(vm.id());
    lastEnded.put(vm.id(), clock.now());
    if (s.error() == null) {
      getContext().getLog().info("vm {} ({}): running on {}", vm.name(), vm.id(), s.host());
      forget(vm.id());
      recorder.record(new HaEvent.VmRestarted(vm.id(), vm.name(), s.host(), clock.now()), Noted.INSTANCE,
          e -> Noted.INSTANCE);
    } else {
      Throwable cause = s.error().getCause() != null ? s.error().getCause() : s.error();
      String code = cause instanceof XapiFailure f ? f.code() : cause.getClass().getSimpleName();
      failedOn.computeIfAbsent(vm.id(), k -> new HashSet<>()).add(s.host());
      getContext().getLog().warn("vm {} ({}): start on {} failed ({}): {}; the next host is tried", vm.name(), vm.id(),
          s.host(), code, cause.getMessage());
      String error = cause instanceof XapiFailure ? cause.getMessage() : code + ": " + cause.getMessage();
      recorder.record(new HaEvent.VmRestartFailed(vm.id(), vm.name(), s.host(), error, clock.now()), Noted.INSTANCE,
          e -> Noted.INSTANCE);
    }
    // The freed slot goes to the next VM of the last read at once (VMs whose start ended since are left out of
    // it); a fresh read shows the outcome and lets the next class or host go.
    if (lastRound != null) onRound(lastRound);
    readAgain.run();
    return this;
  }

  private Behavior<Command> onAttachmentsRead(AttachmentsRead a) {
    VmView vm = a.vm();
    if (a.error() != null) {
      return onStartEnded(new StartEnded(vm, a.host(), a.error()));
    }
    VdiRelease.Decision d = VdiRelease.decide(a.found(), lastFenced, a.host());
    if (!d.retry()) {
      return onStartEnded(new StartEnded(vm, a.host(), new XapiFailure("VM.start_on", "SR_BACKEND_FAILURE_46",
          List.of(d.reason()))));
    }
    if (d.release().isEmpty()) {
      getContext().getLog().info("vm {} ({}): {}", vm.name(), vm.id(), d.reason());
      return start(new Issued(vm, a.host()));
    }
    List<String> what = d.release().stream().map(x -> x.vdiUuid() + " from "
        + x.host().map(HostId::toString).orElse("a host the pool forgot")).toList();
    getContext().getLog().warn("vm {} ({}): releasing {}: {}", vm.name(), vm.id(), what, d.reason());
    recorder.record(new HaEvent.VdiReleased(vm.id(), vm.name(), String.join(", ", what),
            d.release().stream().map(x -> x.host().map(HostId::uuid).orElse("unknown")).distinct()
                .reduce((x, y) -> x + "," + y).orElse(""), d.reason(), clock.now()),
        new ReleaseIssued(vm, a.host(), d.release()),
        e -> new StartEnded(vm, a.host(), new IllegalStateException("VDI release not journaled: " + e)));
    return this;
  }

  private Behavior<Command> release(ReleaseIssued r) {
    getContext().pipeToSelf(CompletableFuture.runAsync(() -> {
      for (XapiPort.VdiAttachment x : r.release()) xapi.releaseVdi(x.vdiUuid(), x.smConfigKey());
      xapi.startOn(r.vm().id(), r.host());
    }, blockingIo), (ok, error) -> new StartEnded(r.vm(), r.host(), error));
    return this;
  }

  /** Every eligible host failed this VM (or none is eligible): wait, doubling, capped; then a new round. */
  private void backOff(VmView vm, String why) {
    Backoff.Wait w = backoff.failed(vm.id(), clock.now());
    int n = w.round();
    Duration wait = w.delay();
    failedOn.remove(vm.id());
    vdiRetried.remove(vm.id());
    String reason = "gave up for now (" + why + "); round " + n + ", next try in " + wait.toSeconds() + " s";
    getContext().getLog().warn("vm {} ({}): {}", vm.name(), vm.id(), reason);
    recorder.record(new HaEvent.VmRestartFailed(vm.id(), vm.name(), self, reason, clock.now()), Noted.INSTANCE,
        e -> Noted.INSTANCE);
  }

  /**
   * Issue #5 item 1: an HA flag that is neither true nor false, or an unreadable priority, is journaled once per
   * value (and logged); the flag's VM is never acted on, the priority falls back to XAPI's order.
   */
  private void reportInvalid(VmView vm) {
    String flag = vm.otherConfig().get(ha.field());
    if (!ha.globalVmHa() && VmPolicy.managed(ha, vm) == VmPolicy.Managed.INVALID) {
      invalid(vm, ha.field(), flag, "not acted on until it is true or false");
    }
    if (!RestartOrder.priorityProblem(vm.otherConfig()).isEmpty()) {
      invalid(vm, RestartOrder.PRIORITY_KEY, vm.otherConfig().get(RestartOrder.PRIORITY_KEY),
          "restarts in the class of its XAPI order instead");
    }
  }

  private void invalid(VmView vm, String setting, String value, String consequence) {
    if (!reportedInvalid.add(vm.id().uuid() + "\u0000" + setting + "\u0000" + value)) return;
    getContext().getLog().error("vm {} ({}): invalid setting {}=\"{}\": {}", vm.name(), vm.id(), setting, value,
        consequence);
    recorder.record(new HaEvent.VmSettingInvalid(vm.id(), vm.name(), setting, value, consequence, clock.now()),
        Noted.INSTANCE, e -> Noted.INSTANCE);
  }

  private void forget(VmId vm) {
    vdiRetried.remove(vm);
    failedOn.remove(vm);
    backoff.forget(vm);
    lastNote.remove(vm);
  }

  private void note(VmView vm, String what) {
    if (what.equals(lastNote.get(vm.id()))) return;
    lastNote.put(vm.id(), what);
    getContext().getLog().info("vm {} ({}): {}", vm.name(), vm.id(), what);
  }
}
