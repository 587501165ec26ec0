flatten : List (List a) -> List a
