package chat.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who may write privately to a user: anyone ({@code directMessages} "everyone") or their contacts only
 * ("contacts"), and never those they block (user keys).
 */
public record DirectPolicy(String directMessages, Set<String> contacts, Set<String> blocked) {

  public static final String EVERYONE = "everyone";
  public static final String CONTACTS = "contacts";
  public static final List<String> SETTINGS = List.of(EVERYONE, CONTACTS);

  public boolean allows(String senderKey) {
    return !blocked.contains(senderKey) && (!CONTACTS.equals(directMessages) || contacts.contains(senderKey));
  }

  public JsonObject toJson() {
    return new JsonObject().put("directMessages", directMessages).put("contacts", new JsonArray(List.copyOf(contacts)))
      .put("blocked", new JsonArray(List.copyOf(blocked)));
  }

  @SuppressWarnings("unchecked")
  public static DirectPolicy fromJson(JsonObject json) {
    return new DirectPolicy(json.getString("directMessages"), new HashSet<>(json.getJsonArray("contacts").getList()),
      new HashSet<>(json.getJsonArray("blocked").getList()));
  }
}
