initial : String -> String
has_dash : String -> Bool
