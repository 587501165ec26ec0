from_opt : a -> Opt a -> a
nothing : Opt a
wrap_some : a -> Opt a
