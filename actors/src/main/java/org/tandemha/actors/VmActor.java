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
import org.tandemha.protocol.HaSettings;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PoolId;
import org.tandemha.protocol.VmView;

/**
 * One VM on the pool master's node: a running managed VM gets the home-pool token (halizard-behaviour §4.3),
 * the mark that it has run under this pool's HA and may be restarted. Starting halted VMs is the
 * {@link RestartCoordinator}'s job, which orders and places them across the pool.
 */
public final class VmActor extends AbstractBehavior<VmActor.Command> {
  public sealed interface Command {}
  /** The pool settings changed (`tandem config set`): used from the next decision on. */
  public record Reconfigured(HaSettings ha) implements Command {}
  /** @param readBegan when the pool read that saw {@code vm} began: older than our last step = stale */
  public record Observed(VmView vm, PoolId pool, boolean selfIsMaster, Instant readBegan) implements Command {}
  private record Tagged(Throwable error) implements Command {}

  public static Behavior<Command> create(HostId self, HaSettings ha, XapiPort xapi, ActorRef<HaJournal.Command> journal,
                                         Clock clock, java.util.concurrent.Executor blockingIo) {
    return Behaviors.setup(ctx -> new VmActor(ctx, ha, xapi, clock, blockingIo));
  }

  static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(10);
  private HaSettings ha;   // replaced when the pool settings change (Reconfigured)
  private final XapiPort xapi;
  private final Clock clock;
  private final java.util.concurrent.Executor blockingIo;
  private boolean busy;
  private Instant notBefore = Instant.MIN;
  private Instant lastStepDone = Instant.MIN;

  private VmActor(ActorContext<Command> ctx, HaSettings ha, XapiPort xapi, Clock clock,
                  java.util.concurrent.Executor blockingIo) {
    super(ctx);
    this.ha = ha;
    this.xapi = xapi;
    this.clock = clock;
    this.blockingIo = blockingIo;
  }

  @Override public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Reconfigured.class, r -> {
          ha = r.ha();
          return this;
        })
        .onMessage(Observed.class, this::onObserved)
        .onMessage(Tagged.class, this::onTagged)
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
    }
    return this;
  }

  private Behavior<Command> onTagged(Tagged t) {
    busy = false;
    lastStepDone = clock.now();
    if (t.error() != null) {
      getContext().getLog().warn("vm: home-pool tag not written: {}", t.error().toString());
      notBefore = clock.now().plus(RETRY_AFTER_FAILURE);
    }
    return this;
  }
}
