package chat.bench.server;

import chat.bench.client.Endpoint;

import java.util.List;

/** The server side of a run: the chat nodes (with their database) or the bare baseline, maybe behind a proxy. */
public interface Target extends AutoCloseable {

  /** "chat" or "baseline". */
  String kind();

  /** "direct" when the clients connect to the nodes themselves, else the proxy in front of them ("nginx"). */
  default String via() {
    return "direct";
  }

  /** HTTP ports of the nodes, one per node. */
  List<Integer> ports();

  /** Where the clients connect: each node's port, or the proxy in front of them. */
  default List<Endpoint> endpoints() {
    return ports().stream().map(Endpoint::plain).toList();
  }

  /** The processes whose CPU and heap are reported (nodes first). */
  List<Proc> processes();

  /** The processes that hold the sockets (whose heap per connection is reported). */
  List<Proc> nodes();

  /** Which build of the server this is, as the report names it. */
  String version();

  /** Whether users must register and log in (the baseline has no accounts). */
  boolean needsAccounts();

  @Override
  void close();
}
