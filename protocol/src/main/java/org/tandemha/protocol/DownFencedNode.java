package org.tandemha.protocol;

/**
 * Asks a cluster member to remove the node of a host this node fenced (power read back off) from the
 * cluster. Sent by a restarted node that cannot join: the fenced node, unreachable and never downed (its
 * fencer died before the Down spread), blocks every join. Only an unreachable member is ever downed.
 */
public record DownFencedNode(HostId host, String evidence) implements CborSerializable {}
