#!/bin/sh
# tests/sh/context.sh: the country part of actor codes with the default dictionaries
# (src/actors/context.c): codes of the states of the story's date (the Soviet Union, West
# Germany, Czechoslovakia, Yugoslavia before they ended or split), and the country of a bare
# role taken from the text (a region or district the gazetteer's towns lie in). The
# sentences are invented for the test; each case says what it checks.
set -u
cd "$(dirname "$0")/../.." || exit 1
T=context
. tests/sh/lib.sh
need_images khaldun.dict lexicon.img
need_tools jq
make_tmp
# --- states of the story's date ------------------------------------------------------------
event_case 1987-05-04 "Moscow accused Washington of violating the treaty." "USR USA 11" "moscow-1987-is-usr"
event_case 1995-05-04 "Moscow accused Washington of violating the treaty." "RUS USA 11" "moscow-1995-is-rus"
event_case 1987-05-04 "German police arrested five Turkish men." "GMWCOP TURCVL 17" "german-1987-is-gmw"
event_case 1991-05-04 "German police arrested five Turkish men." "DEUCOP TURCVL 17" "german-1991-is-deu"
event_case 1987-05-04 "East Germany accused Bonn of spying." "GME GMW 11" "east-germany-stays-gme"
event_case 1988-05-04 "Slovak police arrested five Hungarian men." "CZACOP HUNCVL 17" "slovak-1988-is-cza"
event_case 1990-05-04 "Croatian police arrested five Serbian men." "YUGCOP YUGCVL 17" "croatia-1990-is-yug"
event_case 1998-05-04 "Serbian police arrested five Albanian men." "FRYCOP ALBCVL 17" "serbia-1998-is-fry"
event_case 2004-05-04 "Serbian police arrested five Albanian men." "SCGCOP ALBCVL 17" "serbia-2004-is-scg"
event_case 2010-05-04 "Serbian police arrested five Albanian men." "SRBCOP ALBCVL 17" "serbia-2010-is-srb"
# --- a country from the places the text names -----------------------------------------------
event_case 2012-05-04 "Police arrested five men in Takhar Province." "AFGCOP AFGCVL 17" "province-gives-country"
event_case 2012-05-04 "Unidentified gunmen shot dead two policemen in the Kohlu District of Balochistan." \
    "PAKUAF PAKCOP 19" "district-and-region-give-country"
# a story that names no country or known place: the country of the actors it names
event_case 2012-05-04 "Unidentified gunmen shot dead two policemen in Zorvak District, reports The Times of India." \
    "INDUAF INDCOP 19" "named-actors-give-country"
event_case 1998-05-04 "Yugoslavia accused Albania of spying." "FRY ALB 11" "yugoslavia-1998-is-fry"
# a town's name at the end of a longer unknown name is not that town ("Zorvak Mandi", a
# market: not Mandi in India)
event_case 2012-05-04 "Police arrested five men at Zorvak Mandi market in Quetta." "PAKCOP PAKCVL 17" \
    "name-inside-longer-name-is-no-place"
