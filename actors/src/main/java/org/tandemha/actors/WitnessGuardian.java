package org.tandemha.actors;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ClusterEvent;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;
import java.time.Duration;
import org.tandemha.actors.port.ServiceManager;

/**
 * The root of a witness node ({@code tandem witness}): a cluster member with role {@code witness} that only
 * gives the pool's nodes a third vote. It runs no HA actors, touches no XAPI and fences nothing; it logs who
 * it sees so an operator can tell which side of a partition it sided with. Under systemd it is ready once its
 * own member is up, and keeps the service's watchdog fed from its own tick.
 */
public final class WitnessGuardian {
  public static final String ROLE = "witness";

  /** What the witness's root handles: the cluster's events and its keep-alive tick. */
  public sealed interface Message {}

  private record Event(ClusterEvent.ClusterDomainEvent event) implements Message {}

  private enum Tick implements Message { ALIVE }

  private WitnessGuardian() {}

  public static Behavior<Message> create() {
    return create(ServiceManager.NONE);
  }

  public static Behavior<Message> create(ServiceManager service) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.ClusterDomainEvent.class, Event::new), ClusterEvent.ClusterDomainEvent.class));
      ctx.spawn(FencedNodeDowner.create(), FencedNodeDowner.NAME);
      // Passes the hosts' watchdog adverts on: a host cut from its peer but not from the witness is still heard.
      ctx.spawn(WatchdogActor.relay(), "watchdog-relay");
      timers.startTimerWithFixedDelay(Tick.ALIVE, Duration.ofSeconds(1));
      service.status("starting: joining the cluster");
      ctx.getLog().info("witness started: a vote for the pool's quorum, no HA actors");
      return Behaviors.receiveMessage(message -> {
        if (message == Tick.ALIVE) service.alive();
        else if (message instanceof Event e) onEvent(ctx, service, e.event());
        return Behaviors.same();
      });
    }));
  }

  private static void onEvent(ActorContext<Message> ctx, ServiceManager service, ClusterEvent.ClusterDomainEvent event) {
    if (event instanceof ClusterEvent.MemberUp up) {
      ctx.getLog().info("witness: node {} is up (roles {})", up.member().address(), up.member().getRoles());
      if (up.member().uniqueAddress().equals(Cluster.get(ctx.getSystem()).selfMember().uniqueAddress())) {
        service.ready("ready: witness in the cluster");
      }
    } else if (event instanceof ClusterEvent.UnreachableMember u) {
      ctx.getLog().info("witness: node {} is UNREACHABLE", u.member().address());
    } else if (event instanceof ClusterEvent.ReachableMember r) {
      ctx.getLog().info("witness: node {} is reachable again", r.member().address());
    } else if (event instanceof ClusterEvent.MemberRemoved removed) {
      ctx.getLog().info("witness: node {} removed from the cluster", removed.member().address());
    }
  }
}
