from elkaar.search.analysis import fold, index_tokens, query_words, split_compound, stem, word_concept


def test_fold_removes_accents_and_control_characters():
    assert fold("Coördinatie één\x00privé") == "coordinatie een prive"


def test_index_tokens_stem_plural_like_singular():
    assert index_tokens("cursussen") == index_tokens("cursus")


def test_index_tokens_drop_stop_words():
    assert index_tokens("de cursus van het jaar") == [stem("cursus"), stem("jaar")]


def test_index_tokens_keep_parts_and_joined_form_of_hyphenated_word():
    assert index_tokens("Woo-verzoek") == [stem("woo"), stem("verzoek"), stem("wooverzoek")]


def test_index_tokens_drop_apostrophe_s():
    assert index_tokens("collega's") == index_tokens("collega")


def test_split_compound_finds_parts():
    assert split_compound("projectleiding") == ("project", "leiding")
    assert split_compound("omgevingswet") == ("omgeving", "wet")


def test_split_compound_keeps_common_word_whole():
    assert split_compound("verzoek") == ()
    assert split_compound("medewerker") == ()


def test_index_tokens_of_compound_include_its_parts():
    tokens = index_tokens("jeugdzorg")
    assert tokens == [stem("jeugdzorg"), stem("jeugd"), stem("zorg")]


def test_stem_undoes_adjective_ending():
    assert stem("politieke") == stem("politiek")
    assert stem("grote") == stem("groot")


def test_word_concept_offers_compound_parts_as_alternative():
    concept = word_concept("burgerparticipatie")
    assert [alternative.tokens for alternative in concept.alternatives] == [
        (stem("burgerparticipatie"),),
        (stem("burger"), stem("participatie")),
    ]


def test_query_words_keep_hyphenated_word_and_limit_count():
    assert query_words("De Woo-verzoeken en de AVG", 10) == ["woo-verzoeken", "avg"]
    assert len(query_words("woord " * 50, 12)) == 12
