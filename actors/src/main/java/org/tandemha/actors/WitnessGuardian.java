package org.tandemha.actors;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ClusterEvent;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;

/**
 * The root of a witness node ({@code tandem witness}): a cluster member with role {@code witness} that only
 * gives the pool's nodes a third vote. It runs no HA actors, touches no XAPI and fences nothing; it logs who
 * it sees so an operator can tell which side of a partition it sided with.
 */
public final class WitnessGuardian {
  public static final String ROLE = "witness";

  private WitnessGuardian() {}

  public static Behavior<ClusterEvent.ClusterDomainEvent> create() {
    return Behaviors.setup(ctx -> {
      Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(ctx.getSelf(),
          ClusterEvent.ClusterDomainEvent.class));
      ctx.spawn(FencedNodeDowner.create(), FencedNodeDowner.NAME);
      // Passes the hosts' watchdog adverts on: a host cut from its peer but not from the witness is still heard.
      ctx.spawn(WatchdogActor.relay(), "watchdog-relay");
      ctx.getLog().info("witness started: a vote for the pool's quorum, no HA actors");
      return Behaviors.receiveMessage(event -> {
        if (event instanceof ClusterEvent.MemberUp up) {
          ctx.getLog().info("witness: node {} is up (roles {})", up.member().address(), up.member().getRoles());
        } else if (event instanceof ClusterEvent.UnreachableMember u) {
          ctx.getLog().info("witness: node {} is UNREACHABLE", u.member().address());
        } else if (event instanceof ClusterEvent.ReachableMember r) {
          ctx.getLog().info("witness: node {} is reachable again", r.member().address());
        } else if (event instanceof ClusterEvent.MemberRemoved removed) {
          ctx.getLog().info("witness: node {} removed from the cluster", removed.member().address());
        }
        return Behaviors.same();
      });
    });
  }
}
