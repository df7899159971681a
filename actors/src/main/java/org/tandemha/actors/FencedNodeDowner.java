package org.tandemha.actors;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.Member;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Down;
import java.util.HashSet;
import java.util.Set;
import org.tandemha.protocol.DownFencedNode;

/**
 * {@code /user/<guardian>/fenced-downer} on every node and witness: downs the node of a fenced host on
 * request ({@link DownFencedNode}) — only while that node is unreachable from here, so a request can never
 * remove a live node. Lets a restarted node clear the way for its own join (see NodeGuardian's join check).
 */
public final class FencedNodeDowner {
  public static final String NAME = "fenced-downer";

  private FencedNodeDowner() {}

  /** The cluster members (any incarnation, reachable or not) that run the node of {@code host}. */
  static Set<Member> nodesOf(Cluster cluster, org.tandemha.protocol.HostId host) {
    String role = QuorumActor.hostRole(host);
    Set<Member> out = new HashSet<>();
    cluster.state().getMembers().forEach(m -> {
      if (m.getRoles().contains(role)) out.add(m);
    });
    return out;
  }

  public static Behavior<DownFencedNode> create() {
    return Behaviors.setup(ctx -> Behaviors.receiveMessage(req -> {
      var cluster = Cluster.get(ctx.getSystem());
      Set<Member> unreachable = new HashSet<>();
      cluster.state().getUnreachable().forEach(unreachable::add);
      nodesOf(cluster, req.host()).forEach(m -> {
        if (unreachable.contains(m)) {
          ctx.getLog().warn("cluster: downing the node {} of host {} on request: {}", m.address(), req.host(),
              req.evidence());
          cluster.manager().tell(new Down(m.address()));
        } else {
          ctx.getLog().warn("cluster: NOT downing the node {} of host {}: it is reachable from here (request: {})",
              m.address(), req.host(), req.evidence());
        }
      });
      return Behaviors.same();
    }));
  }
}
