package org.tandemha.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One DRBD resource as this host sees it (issue #8 item 2), read on its own — never by splitting a joined list of
 * resources (iSCSI-HA's multi-resource bugs, halizard-behaviour §7.3, §8.6). Two sources, one shape:
 * <ul>
 *   <li>DRBD 9: {@code drbdadm status <res>} —
 * <pre>
 * r0 role:Primary
 *   disk:UpToDate
 *   xs2 role:Secondary
 *     replication:Established peer-disk:UpToDate
 * </pre>
 *   (a peer that is not connected reads {@code xs2 connection:Connecting}, or {@code StandAlone} after a split
 *   brain; several volumes add {@code volume:N} to the disk lines);</li>
 *   <li>DRBD 8.4: {@code drbdadm role} ({@code Primary/Secondary}), {@code cstate} ({@code Connected}) and
 *   {@code dstate} ({@code UpToDate/UpToDate}).</li>
 * </ul>
 * Anything unreadable is an {@link DrbdRole.Unreadable} naming the resource and quoting the output — never a guess.
 */
public record DrbdStatus(String resource, DrbdRole.Role role, List<String> disks, List<Peer> peers) {
  public DrbdStatus {
    disks = List.copyOf(disks);
    peers = List.copyOf(peers);
  }

  /**
   * @param connection DRBD's connection state ({@code Connected}, {@code Connecting}, {@code StandAlone}, …)
   * @param role       the peer's role as DRBD last knew it; UNKNOWN while not connected
   * @param disks      the peer's disk state per volume ({@code UpToDate}, {@code DUnknown}, …)
   */
  public record Peer(String name, String connection, DrbdRole.Role role, List<String> disks) {
    public Peer { disks = List.copyOf(disks); }

    public boolean connected() { return connection.equals("Connected"); }
  }

  /** Any peer reads Primary: this host must not promote. */
  public boolean peerPrimary() { return peers.stream().anyMatch(p -> p.role() == DrbdRole.Role.PRIMARY); }

  /** Every peer connection is up. */
  public boolean connected() { return !peers.isEmpty() && peers.stream().allMatch(Peer::connected); }

  /** A peer connection is StandAlone: DRBD dropped it (a split brain, or an operator's disconnect). */
  public boolean standAlone() { return peers.stream().anyMatch(p -> p.connection().equals("StandAlone")); }

  /** Every local volume is UpToDate: the data here may be served. */
  public boolean upToDate() { return !disks.isEmpty() && disks.stream().allMatch("UpToDate"::equals); }

  /** DRBD 9's {@code drbdadm status <res>}. */
  public static DrbdStatus parse9(String resource, String output) {
    List<String> lines = (output == null ? "" : output).lines().filter(l -> !l.isBlank()).toList();
    if (lines.isEmpty()) throw unreadable(resource, "status", output, "no output");
    String[] head = lines.get(0).strip().split("\\s+");
    if (!head[0].equals(resource)) throw unreadable(resource, "status", output, "does not start with the resource name");
    DrbdRole.Role role = role(resource, value(head, "role").orElseThrow(() ->
        unreadable(resource, "status", output, "no role on the first line")));
    List<String> disks = new ArrayList<>();
    List<Peer> peers = new ArrayList<>();
    String peerName = null;
    String peerConnection = null;
    DrbdRole.Role peerRole = null;
    List<String> peerDisks = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      int indent = line.length() - line.stripLeading().length();
      String[] t = line.strip().split("\\s+");
      boolean named = !t[0].contains(":");
      if (indent <= 2 && named) {   // a peer: "xs2 role:Secondary" or "xs2 connection:Connecting"
        if (peerName != null) peers.add(new Peer(peerName, peerConnection, peerRole, peerDisks));
        peerName = t[0];
        Optional<String> r = value(t, "role");
        peerRole = r.isPresent() ? role(resource, r.get()) : DrbdRole.Role.UNKNOWN;
        peerConnection = value(t, "connection").orElse(r.isPresent() ? "Connected" : "Unknown");
        peerDisks = new ArrayList<>();
      } else if (peerName == null) {   // local: "disk:UpToDate" or "volume:0 disk:UpToDate"
        value(t, "disk").ifPresent(disks::add);
      } else {                          // the peer's volumes: "replication:Established peer-disk:UpToDate"
        value(t, "peer-disk").ifPresent(peerDisks::add);
      }
    }
    if (peerName != null) peers.add(new Peer(peerName, peerConnection, peerRole, peerDisks));
    if (disks.isEmpty()) throw unreadable(resource, "status", output, "no local disk state");
    return new DrbdStatus(resource, role, disks, peers);
  }

  /**
   * DRBD 8.4's three answers for one resource — one line per volume each; the peer is named {@code peer} (8.4 has
   * exactly one). Several volumes: Primary if any volume is, the peer Primary if any, Secondary only if all; the
   * connection is the first one that is not Connected.
   */
  public static DrbdStatus parse84(String resource, String roleOutput, String cstateOutput, String dstateOutput) {
    List<DrbdRole> roles = lines(resource, "role", roleOutput).stream().map(l -> DrbdRole.parse(resource, l)).toList();
    List<String> cstates = lines(resource, "cstate", cstateOutput);
    for (String c : cstates) if (c.contains(" ")) throw unreadable(resource, "cstate", cstateOutput, "expected one word per volume");
    List<String> disks = new ArrayList<>();
    List<String> peerDisks = new ArrayList<>();
    for (String line : lines(resource, "dstate", dstateOutput)) {
      String[] d = line.split("/", -1);
      if (d.length != 2 || d[0].isEmpty() || d[1].isEmpty() || line.contains(" ")) {
        throw unreadable(resource, "dstate", dstateOutput, "expected <local>/<peer> per volume");
      }
      disks.add(d[0]);
      peerDisks.add(d[1]);
    }
    DrbdRole.Role local = roles.stream().anyMatch(r -> r.local() == DrbdRole.Role.PRIMARY) ? DrbdRole.Role.PRIMARY
        : roles.get(0).local();
    DrbdRole.Role peer = roles.stream().anyMatch(r -> r.peer().orElse(null) == DrbdRole.Role.PRIMARY) ? DrbdRole.Role.PRIMARY
        : roles.stream().allMatch(r -> r.peer().orElse(null) == DrbdRole.Role.SECONDARY) ? DrbdRole.Role.SECONDARY
        : DrbdRole.Role.UNKNOWN;
    String cstate = cstates.stream().filter(c -> !c.equals("Connected")).findFirst().orElse("Connected");
    List<Peer> peers = local == DrbdRole.Role.UNCONFIGURED ? List.of() : List.of(new Peer("peer", cstate, peer, peerDisks));
    return new DrbdStatus(resource, local, disks, peers);
  }

  private static List<String> lines(String resource, String what, String output) {
    List<String> l = (output == null ? "" : output).lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (l.isEmpty()) throw unreadable(resource, what, output, "no output");
    return l;
  }

  private static Optional<String> value(String[] tokens, String key) {
    for (String t : tokens) if (t.startsWith(key + ":")) return Optional.of(t.substring(key.length() + 1));
    return Optional.empty();
  }

  private static DrbdRole.Role role(String resource, String word) {
    return DrbdRole.parse(resource, word).local();
  }

  private static DrbdRole.Unreadable unreadable(String resource, String what, String output, String why) {
    return new DrbdRole.Unreadable("drbdadm " + what + " " + resource + ": " + why + ": \""
        + (output == null ? "" : output.strip().replace("\n", "\\n")) + "\"");
  }

  @Override public String toString() {
    return resource + " " + role.name().toLowerCase(Locale.ROOT) + " disk " + String.join(",", disks)
        + peers.stream().map(p -> " " + p.name() + " " + p.connection() + " " + p.role().name().toLowerCase(Locale.ROOT)
        + " " + String.join(",", p.disks())).reduce("", String::concat);
  }
}
