package chat.account;

import io.vertx.core.json.JsonObject;

/** A registered user as others may see it: the name as registered and the email (never the password). */
public record Account(String username, String email) {

  public JsonObject toJson() {
    return new JsonObject().put("username", username).put("email", email);
  }

  public static Account fromJson(JsonObject json) {
    return new Account(json.getString("username"), json.getString("email"));
  }
}
