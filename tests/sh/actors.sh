#!/bin/sh
# tests/sh/actors.sh: actors the dictionary does not name, with the default dictionaries
# (src/actors/names.c and its hooks): a party named by its own name before "party", with the
# role the words before it give; a person introduced by a title, whom a later surname refers to
# with the country named before the title or in their sentence; an acronym the story spells out
# anew; "the ministers of the two countries"; a name's own title before its apposition; "his
# army"; and places that give their country (Pakistan's tribal agencies). The sentences and
# names are invented for the test; each case says what it checks.
set -u
cd "$(dirname "$0")/../.." || exit 1
T=actors
. tests/sh/lib.sh
need_images khaldun.dict lexicon.img
need_tools jq
make_tmp
# --- parties named before the word "party" -------------------------------------------------
event_case 2012-05-04 "Pakistan's opposition Zorvak party accused the army of fraud." "PAKOPP PAKMIL 11" \
    "opposition-party-of-a-country"
event_case 2012-05-04 "Police arrested five members of the Zorvak party in Lahore." "PAKCOP PAKPTY 17" \
    "party-takes-the-country-of-its-place"
# a party of no name is none: "a third party"
event_case 2012-05-04 "Pakistan's army accused a third party of fraud." "PAKMIL - 11" "third-party-is-no-actor"
# --- a person introduced by a title ----------------------------------------------------------
event_case 2012-05-04 "Kenyan Energy Minister Zorvak Mbeli arrived in Nairobi on Monday. Mbeli accused Uganda of smuggling." \
    "KENGOV UGA 11" "surname-after-a-titled-name"
event_case 2012-05-04 "Interior Minister Zorvak Mbeli spoke in Nairobi on Monday. Later, Mbeli criticised the rebels." \
    "KENGOV KENREB 11" "titled-name-keeps-its-sentence-country"
# the country named just before a title, in a sentence naming several
event_case 2012-05-04 "In Nairobi, Uganda's Trade and Industry Minister Zorvak Mbeli met French officials. Mbeli accused Kenya of smuggling." \
    "UGAGOV KEN 11" "country-right-before-the-title"
# --- acronyms the story defines -------------------------------------------------------------
# the story's own long form beats the dictionary's meaning of the acronym (NPC: China's
# National People's Congress); a long form no dictionary knows names no one
event_case 2012-05-04 "A councillor of the Northern Pradeshi Council (NPC) was shot dead by gunmen in Kandy." \
    "LKAUAF - 19" "story-acronym-beats-dictionary"
# a long form the dictionary knows keeps the acronym's meaning
event_case 2012-05-04 "The United Arab Emirates (UAE) accused Iran of spying. The UAE President criticised Iran." \
    "AREGOV IRN 11" "known-long-form-keeps-acronym"
# an acronym in mixed-case text is no town of that name (Ico, Brazil)
event_case 2012-05-04 "Kenya's trade minister called on the ICO to convene a meeting." "KENGOV - 02" \
    "acronym-is-no-town"
# --- "the ministers of the two countries" --------------------------------------------------
# each of the two states the sentence coordinated, with the role: talks between them both ways
event_case 2012-05-04 "Kenya and Uganda disagreed on the border as the foreign ministers of the two countries concluded their talks." \
    "KENGOV UGAGOV 04" "ministers-of-the-two-countries"
event_case 2012-05-04 "Kenya and Uganda disagreed on the border as the foreign ministers of the two countries concluded their talks." \
    "UGAGOV KENGOV 04" "ministers-of-the-two-countries-reciprocal"
# --- apposition --------------------------------------------------------------------------------
# a title of the name's own beats what its apposition says
event_case 2012-05-04 "Energy Minister Zorvak Mbeli, an opposition leader, criticised the rebels in Nairobi." \
    "KENGOV KENREB 11" "own-title-beats-apposition"
# --- a story naming only Pakistan's tribal agencies is Pakistan's ------------------------------
event_case 2012-05-04 "Unidentified gunmen shot dead two policemen in Orakzai Agency." "PAKUAF PAKCOP 19" \
    "tribal-agency-gives-pakistan"
# --- "his army": the role belongs to the state of the act's source --------------------------
event_case 2012-05-04 "Kenya's president on Monday rejected a request by his army to send troops to Uganda." \
    "KENGOV KENMIL 12" "his-army-is-the-sources-states"
