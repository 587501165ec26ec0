answer : Int
