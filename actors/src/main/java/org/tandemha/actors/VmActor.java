package org.tandemha.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.tandemha.actors.decide.VmPolicy;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.XapiPort;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HaSettings;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PoolId;
import org.tandemha.protocol.VmView;

/**
 * Keeps one VM as the restart policy wants it, on the pool master's node. Each pool read is compared with
 * the policy and at most one step is in flight: tag a running managed VM with the home-pool token, or start
 * a halted one that has run under this pool's HA. XAPI's power state is the ground truth; a VM still shown
 * Running on a lost host is only reset by the takeover after the host was fenced.
 */
public final class VmActor extends AbstractBehavior<VmActor.Command> {
  public sealed interface Command {}
  /**
   * @param quorate   this node holds quorum now: without it nothing is started (issue #4 item 7)
   * @param readBegan when the pool read that saw {@code vm} began: older than our last step = stale
   */
  public record Observed(VmView vm, PoolId pool, boolean selfIsMaster, boolean quorate, Instant readBegan)
      implements Command {}
  private record Journaled(VmView vm) implements Command {}
  private record Started(VmView vm, Throwable error) implements Command {}
  private record Tagged(Throwable error) implements Command {}
  private record NotJournaled(Throwable error) implements Command {}

  public static Behavior<Command> create(HostId self, HaSettings ha, XapiPort xapi, ActorRef<HaJournal.Command> journal,
                                         Clock clock, java.util.concurrent.Executor blockingIo) {
    return Behaviors.setup(ctx -> new VmActor(ctx, self, ha, xapi, journal, clock, blockingIo));
  }

  static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(10);
  private final HostId self;
  private final HaSettings ha;
  private final XapiPort xapi;
  private final Clock clock;
  private final java.util.concurrent.Executor blockingIo;
  private final Recorder<Command> recorder;
  private boolean busy;
  private Instant notBefore = Instant.MIN;
  private Instant lastStepDone = Instant.MIN;
  private String lastRefusal = "";

  private VmActor(ActorContext<Command> ctx, HostId self, HaSettings ha, XapiPort xapi,
                  ActorRef<HaJournal.Command> journal, Clock clock, java.util.concurrent.Executor blockingIo) {
    super(ctx);
    this.self = self;
    this.ha = ha;
    this.xapi = xapi;
    this.clock = clock;
    this.blockingIo = blockingIo;
    this.recorder = new Recorder<>(ctx, journal, Duration.ofSeconds(5));
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Observed.class, this::onObserved)
        .onMessage(Journaled.class, this::start)
        .onMessage(Started.class, this::onStarted)
        .onMessage(Tagged.class, this::onTagged)
        .onMessage(NotJournaled.class, n -> {
          getContext().getLog().error("vm: restart not journaled, not started: {}", n.error().toString());
          busy = false;
          lastStepDone = clock.now();
          notBefore = clock.now().plus(RETRY_AFTER_FAILURE);
          return this;
        })
        .build();
  }

  private Behavior<Command> onObserved(Observed o) {
    if (busy || !o.selfIsMaster() || clock.now().isBefore(notBefore)) return this;
    if (!o.readBegan().isAfter(lastStepDone)) return this;   // read began before our last step landed
    VmView vm = o.vm();
    if (VmPolicy.needsHomePoolTag(ha, o.pool(), vm)) {
      busy = true;
      getContext().pipeToSelf(CompletableFuture.runAsync(
          () -> xapi.setVmOtherConfig(vm.id(), VmPolicy.HOME_POOL, o.pool().uuid()), blockingIo),
          (ok, error) -> new Tagged(error));
      return this;
    }
    VmPolicy.Verdict v = VmPolicy.toRestart(ha, o.pool(), vm);
    if (!v.act()) {
      if (vm.halted() && !v.reason().equals(lastRefusal)) {
        getContext().getLog().info("vm {} ({}): left halted: {}", vm.name(), vm.id(), v.reason());
      }
      lastRefusal = v.reason();
      return this;
    }
    if (!o.quorate()) {
      String why = "no quorum: a node without quorum starts nothing";
      if (!why.equals(lastRefusal)) getContext().getLog().warn("vm {} ({}): left halted: {}", vm.name(), vm.id(), why);
      lastRefusal = why;
      return this;
    }
    busy = true;
    getContext().getLog().info("vm {} ({}): restarting on {}: {}", vm.name(), vm.id(), self, v.reason());
    recorder.record(new HaEvent.VmRestartIssued(vm.id(), vm.name(), self, v.reason(), clock.now()),
        new Journaled(vm), NotJournaled::new);
    return this;
  }

  private Behavior<Command> start(Journaled j) {
    getContext().pipeToSelf(CompletableFuture.runAsync(() -> xapi.startOn(j.vm().id(), self), blockingIo),
        (ok, error) -> new Started(j.vm(), error));
    return this;
  }

  private Behavior<Command> onStarted(Started s) {
    lastStepDone = clock.now();
    VmView vm = s.vm();
    if (s.error() == null) {
      getContext().getLog().info("vm {} ({}): running on {}", vm.name(), vm.id(), self);
      recorder.record(new HaEvent.VmRestarted(vm.id(), vm.name(), self, clock.now()), new Tagged(null), Tagged::new);
    } else {
      Throwable cause = s.error().getCause() != null ? s.error().getCause() : s.error();
      getContext().getLog().warn("vm {} ({}): start on {} failed, retry in {}: {}", vm.name(), vm.id(), self,
          RETRY_AFTER_FAILURE, cause.getMessage());
      notBefore = clock.now().plus(RETRY_AFTER_FAILURE);
      recorder.record(new HaEvent.VmRestartFailed(vm.id(), vm.name(), self, String.valueOf(cause.getMessage()),
          clock.now()), new Tagged(null), Tagged::new);
    }
    return this;
  }

  private Behavior<Command> onTagged(Tagged t) {
    busy = false;
    lastStepDone = clock.now();
    if (t.error() != null) {
      getContext().getLog().warn("vm: XAPI step failed: {}", t.error().toString());
      notBefore = clock.now().plus(RETRY_AFTER_FAILURE);
    }
    return this;
  }
}
