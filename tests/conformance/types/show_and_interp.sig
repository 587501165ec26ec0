label : a -> String
greet : a -> String
