package org.tandemha.storage;

import java.util.List;
import java.util.regex.Pattern;
import org.tandemha.actors.port.BoundedRun;

/**
 * iSCSI-HA's floating IP (issue #8 item 4): DRBD_VIRTUAL_IP/DRBD_VIRTUAL_MASK on DRBD_INTERFACE through
 * {@code ip addr}. Before it is added, a duplicate-address probe ({@code arping -D}) says whether anyone else
 * answers on it; after, a gratuitous ARP ({@code arping -U}) tells the switch and the initiators — in the
 * background, because iputils' arping always waits a second after its last packet.
 */
public final class FloatingIp {
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  private final Commands commands;
  private final String address;
  private final int mask;
  private final String device;
  private volatile Thread announcing;

  public FloatingIp(Commands commands, String address, int mask, String device) {
    if (!IPV4.matcher(address).matches()) throw new IllegalArgumentException("not an IPv4 address: " + address);
    if (mask < 1 || mask > 32) throw new IllegalArgumentException("mask must be 1..32, got " + mask);
    if (device.isBlank() || device.contains("/") || device.contains(" ")) {
      throw new IllegalArgumentException("not an interface name: \"" + device + "\"");
    }
    this.commands = commands;
    this.address = address;
    this.mask = mask;
    this.device = device;
  }

  public String address() { return address; }

  public String describe() { return address + "/" + mask + " on " + device; }

  /** The address is on this host's interface. */
  public boolean local() {
    String out = commands.ok(List.of("ip", "-o", "-4", "addr", "show", "dev", device));
    return out.lines().anyMatch(l -> l.contains(" inet " + address + "/"));
  }

  /** Someone else answers ARP for it (duplicate-address detection: arping -D exits 1 on a reply). */
  public boolean answersElsewhere() {
    BoundedRun.Result r = commands.run(List.of("arping", "-D", "-c", "1", "-w", "1", "-I", device, address));
    if (r.exit() == 0) return false;
    // arping exits 1 on a reply, but also when it could send nothing (a link down): only a counted reply is one.
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("Received (\\d+) response").matcher(r.output());
    if (r.exit() == 1 && m.find() && Integer.parseInt(m.group(1)) > 0) return true;
    throw new org.tandemha.actors.port.StoragePort.StorageError("arping -D " + address + " on " + device + ": "
        + r.describe());
  }

  public void add() {
    commands.ok(List.of("ip", "addr", "add", address + "/" + mask, "dev", device));
    gratuitousArp();
  }

  public void remove() {
    Thread t = announcing;
    if (t != null) t.interrupt();   // stop announcing an address this host no longer has (kills the arping)
    commands.ok(List.of("ip", "addr", "del", address + "/" + mask, "dev", device));
  }

  /** arping -U, not waited for (it lingers a second after its last packet); bounded all the same. */
  private void gratuitousArp() {
    Thread t = new Thread(() -> commands.run(List.of("arping", "-q", "-U", "-c", "3", "-I", device, address)),
        "gratuitous-arp");
    t.setDaemon(true);
    announcing = t;
    t.start();
  }
}
