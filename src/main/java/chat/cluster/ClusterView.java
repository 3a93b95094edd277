package chat.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's id and the ids of the live nodes (just this one when not clustered). A node that is stopping says so
 * first ({@link #leaving}): from then on it is no longer live to the others, so no room is ordered and no send
 * rate is counted there while it drains, although Hazelcast still lists it until it has gone.
 */
public interface ClusterView {

  /** How long a node counts as leaving without having gone: a stop that failed half-way does not exclude it for ever. */
  long LEAVING_MS = 60_000;
  /** The member attribute with the time a node started (milliseconds since the epoch, by its own clock). */
  String STARTED_AT_ATTRIBUTE = "chat.startedAt";
  /** The member attribute that holds a node's Vert.x id: HazelcastClusterManager's own (a private constant there). */
  String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  String nodeId();

  List<String> liveNodes();

  /** Every member, leaving ones too: a node that is draining still has sends to finish. */
  default List<String> members() {
    return liveNodes();
  }

  /**
   * The live nodes that order rooms and count users' send rates ({@code chat.room.RoomOwners}): those up for at
   * least the cluster's warm-up ({@code cluster.warmUpSeconds}), or, while none is, the one that has been a member
   * longest. A node that has just started compiles its code and takes its users back; made the owner of half the
   * rooms the moment it joined, it held every send of those rooms for seconds (W8 of issue 18: p99 0.8 to 2.3 s for
   * 6 s, 2 of 5 sends a second stored). Every node reads the same start times from Hazelcast's member list, so they
   * agree on the owners, give or take the difference between their clocks.
   */
  default List<String> orderingNodes() {
    return liveNodes();
  }

  /**
   * The live node that has been a member longest: the same on every node (Hazelcast lists members in the order they
   * joined), and it changes only when that node goes, not when one joins.
   */
  default String eldest() {
    List<String> live = liveNodes();
    return live.isEmpty() ? nodeId() : live.get(0);
  }

  /** Takes this node out of the live ones, here, until it has gone (or {@link #LEAVING_MS} has passed). */
  default void leaving(String nodeId) {
  }

  /**
   * When {@link #orderingNodes} last changed as far as this node can tell (a member joined or went, a node said it
   * was leaving, a node's warm-up ended), or when this node started if nothing has since, in milliseconds since the
   * epoch. A room's owner changes only then, so a node that has seen no change for a while knows no other node
   * still orders the rooms it owns (chat.room.RoomHandover).
   */
  long orderingChangedAt();

  static ClusterView single() {
    long started = System.currentTimeMillis();
    return new ClusterView() {
      public String nodeId() {
        return "single";
      }

      public long orderingChangedAt() {
        return started;
      }

      public List<String> liveNodes() {
        return List.of("single");
      }
    };
  }

  static ClusterView of(HazelcastClusterManager manager, long warmUpMs) {
    Map<String, Long> leavingSince = new ConcurrentHashMap<>();
    AtomicLong membersChangedAt = new AtomicLong(System.currentTimeMillis());
    manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      public void memberAdded(MembershipEvent event) {
        membersChangedAt.set(System.currentTimeMillis());
      }

      public void memberRemoved(MembershipEvent event) {
        membersChangedAt.set(System.currentTimeMillis());
      }
    });
    return new ClusterView() {
      public String nodeId() {
        return manager.getNodeId();
      }

      public List<String> liveNodes() {
        List<String> members = manager.getNodes();
        if (leavingSince.isEmpty()) {
          return members;
        }
        long now = System.currentTimeMillis();
        forgetLeft(members, now);
        return members.stream().filter(node -> !isLeaving(node, now)).toList();
      }

      public List<String> members() {
        return manager.getNodes();
      }

      public void leaving(String nodeId) {
        leavingSince.put(nodeId, System.currentTimeMillis());
        membersChangedAt.set(System.currentTimeMillis());
      }

      public long orderingChangedAt() {
        long now = System.currentTimeMillis();
        forgetLeft(manager.getNodes(), now);
        long changed = membersChangedAt.get();
        for (Member member : manager.getHazelcastInstance().getCluster().getMembers()) {
          long warm = startedAt(member) + warmUpMs;
          if (warm <= now) {
            changed = Math.max(changed, warm);
          }
        }
        return changed;
      }

      public String eldest() {
        long now = System.currentTimeMillis();
        for (Member member : manager.getHazelcastInstance().getCluster().getMembers()) {
          String node = member.getAttribute(NODE_ID_ATTRIBUTE);
          if (node != null && !isLeaving(node, now)) {
            return node;
          }
        }
        return nodeId();
      }

      /** One walk over the member list per send, as {@link #liveNodes} makes, not that walk and then a second. */
      public List<String> orderingNodes() {
        if (warmUpMs <= 0) {
          return liveNodes();
        }
        long now = System.currentTimeMillis();
        String longest = null;
        List<String> warm = new ArrayList<>();
        // Hazelcast lists members in the order they joined, the oldest first
        for (Member member : manager.getHazelcastInstance().getCluster().getMembers()) {
          String node = member.getAttribute(NODE_ID_ATTRIBUTE);
          if (node == null || isLeaving(node, now)) {
            continue;
          }
          longest = longest == null ? node : longest;
          if (now - startedAt(member) >= warmUpMs) {
            warm.add(node);
          }
        }
        return warm.isEmpty() && longest != null ? List.of(longest) : warm;
      }

      /**
       * Drops the leaving marks of nodes that have gone and of those whose mark has run out: a node whose stop failed
       * half-way orders again from then on, a change of the ordering nodes like any other.
       */
      private void forgetLeft(List<String> members, long now) {
        leavingSince.entrySet().removeIf(node -> {
          boolean expired = now - node.getValue() > LEAVING_MS;
          if (expired) {
            membersChangedAt.accumulateAndGet(node.getValue() + LEAVING_MS, Math::max);
          }
          return expired || !members.contains(node.getKey());
        });
      }

      private boolean isLeaving(String node, long now) {
        Long since = leavingSince.get(node);
        return since != null && now - since <= LEAVING_MS;
      }
    };
  }

  /** When a member started; one without the attribute (a node from before it) has been up for long. */
  private static long startedAt(Member member) {
    String started = member.getAttribute(STARTED_AT_ATTRIBUTE);
    long longAgo = Long.MIN_VALUE / 2;
    try {
      return started == null ? longAgo : Long.parseLong(started);
    } catch (NumberFormatException e) {
      return longAgo;
    }
  }
}
