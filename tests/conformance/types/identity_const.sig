ident : a -> a
keep_first : a -> b -> a
