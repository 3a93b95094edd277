package chat.bench.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The JSON the bench and a clients-only process exchange about users and steps ({@link RemoteClients} writes,
 * {@link ClientsOnly} reads; {@link Counters} has its own). Users travel by id: a step names its members and
 * senders by id, and the clients-only process finds its own users among them.
 */
final class ClientsProtocol {

  private ClientsProtocol() {
  }

  static JsonArray conns(List<Conn> conns) {
    JsonArray all = new JsonArray();
    for (Conn c : conns) {
      all.add(new JsonObject().put("id", c.id).put("user", c.user).put("cookie", c.cookie)
        .put("port", c.endpoint.port())
        .put("cert", c.endpoint.trustedCert() == null ? null : c.endpoint.trustedCert().toString())
        .put("local", c.localAddress).put("room", c.room).put("registrations", new JsonArray(c.registrations))
        .put("smallReceiveBuffer", c.smallReceiveBuffer));
    }
    return all;
  }

  static List<Conn> conns(JsonArray json) {
    List<Conn> conns = new ArrayList<>();
    for (int i = 0; i < json.size(); i++) {
      JsonObject c = json.getJsonObject(i);
      String cert = c.getString("cert");
      Endpoint endpoint = cert == null ? Endpoint.plain(c.getInteger("port")) : Endpoint.tls(c.getInteger("port"),
        Path.of(cert));
      List<String> registrations = new ArrayList<>();
      c.getJsonArray("registrations").forEach(r -> registrations.add((String) r));
      Conn conn = new Conn(c.getInteger("id"), c.getString("user"), c.getString("cookie"), endpoint,
        c.getString("local"), c.getString("room"), List.copyOf(registrations));
      conn.smallReceiveBuffer = c.getBoolean("smallReceiveBuffer", false);
      conns.add(conn);
    }
    return conns;
  }

  /**
   * The part of a step the other process needs: the rooms in which it holds a member or a sender, with only its
   * own members (it resets their sequence checks) but every sender in its place (a sender's index is in each
   * message it sends).
   */
  static JsonObject plan(StepPlan plan, Predicate<Conn> theirs) {
    JsonArray rooms = new JsonArray();
    for (RoomPlan room : plan.rooms()) {
      if (room.members().stream().noneMatch(theirs) && room.senders().stream().noneMatch(theirs)) {
        continue;
      }
      JsonArray members = new JsonArray();
      room.members().stream().filter(theirs).forEach(c -> members.add(c.id));
      JsonArray senders = new JsonArray();
      room.senders().forEach(c -> senders.add(c.id));
      rooms.add(new JsonObject().put("room", room.room()).put("members", members).put("senders", senders)
        .put("msgsPerSecond", room.msgsPerSecond()).put("readers", room.readers()).put("padding", room.padding()));
    }
    return new JsonObject().put("step", plan.step()).put("startNanos", plan.startNanos())
      .put("durationNanos", plan.durationNanos()).put("rooms", rooms);
  }

  /**
   * The step with this process's users in it. A sender held by the other process keeps its place as a stand-in
   * that is no user here, so that nothing here sends for it.
   */
  static StepPlan plan(JsonObject json, Map<Integer, Conn> own) {
    List<RoomPlan> rooms = new ArrayList<>();
    for (int r = 0; r < json.getJsonArray("rooms").size(); r++) {
      JsonObject room = json.getJsonArray("rooms").getJsonObject(r);
      String name = room.getString("room");
      List<Conn> members = new ArrayList<>();
      room.getJsonArray("members").forEach(id -> {
        Conn c = own.get((Integer) id);
        if (c != null) {
          members.add(c);
        }
      });
      List<Conn> senders = new ArrayList<>();
      room.getJsonArray("senders").forEach(id -> senders.add(own.getOrDefault((Integer) id,
        new Conn((Integer) id, "", null, null, null, name, List.of()))));
      rooms.add(new RoomPlan(name, members, senders, room.getDouble("msgsPerSecond"), room.getInteger("readers"),
        room.getInteger("padding")));
    }
    return new StepPlan(json.getInteger("step"), json.getLong("startNanos"), json.getLong("durationNanos"), rooms);
  }
}
