name_of : JsonValue -> String
