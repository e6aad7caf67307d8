"""The literature behind each design, the clock's rules, the benchmark and the scenario generators, cited in reports."""

from __future__ import annotations

STORER = "Storer BE. Design and analysis of phase I clinical trials. Biometrics 1989;45(3):925–937."
LIN_SHIH = ("Lin Y, Shih WJ. Statistical properties of the traditional algorithm-based designs for phase I cancer "
            "clinical trials. Biostatistics 2001;2(2):203–215.")
LIU_YUAN = ("Liu S, Yuan Y. Bayesian optimal interval designs for phase I clinical trials. Journal of the Royal "
            "Statistical Society: Series C 2015;64(3):507–523.")
YUAN_2016 = ("Yuan Y, Hess KR, Hilsenbeck SG, Gilbert MR. Bayesian optimal interval design: a simple and "
             "well-performing design for phase I oncology trials. Clinical Cancer Research 2016;22(17):4291–4301.")
GUO_2017 = ("Guo W, Wang SJ, Yang S, Lynn H, Ji Y. A Bayesian interval dose-finding design addressing Ockham's razor: "
            "mTPI-2. Contemporary Clinical Trials 2017;58:23–33.")
YAN_2017 = ("Yan F, Mandrekar SJ, Yuan Y. Keyboard: a novel Bayesian toxicity probability interval design for phase I "
            "clinical trials. Clinical Cancer Research 2017;23(15):3994–4003.")
LIU_I3 = "Liu M, Wang SJ, Ji Y. The i3+3 design for phase I clinical trials. Journal of Biopharmaceutical " \
         "Statistics 2020;30(2):294–304."
OQUIGLEY_1990 = ("O'Quigley J, Pepe M, Fisher L. Continual reassessment method: a practical design for phase 1 "
                 "clinical trials in cancer. Biometrics 1990;46(1):33–48.")
LEE_CHEUNG = ("Lee SM, Cheung YK. Model calibration in the continual reassessment method. Clinical Trials "
              "2009;6(3):227–238.")
CHEUNG_BOOK = "Cheung YK. Dose Finding by the Continual Reassessment Method. Boca Raton: Chapman & Hall/CRC; 2011."
CHEUNG_CHAPPELL = ("Cheung YK, Chappell R. Sequential designs for phase I clinical trials with late-onset "
                   "toxicities. Biometrics 2000;56(4):1177–1182.")
YUAN_2018 = ("Yuan Y, Lin R, Li D, Nie L, Warren KE. Time-to-event Bayesian optimal interval design to accelerate "
             "phase I trials. Clinical Cancer Research 2018;24(20):4921–4930.")
SKOLNIK = ("Skolnik JM, Barrett JS, Jayaraman B, Patel D, Adamson PC. Shortening the timeline of pediatric phase I "
           "trials: the rolling six design. Journal of Clinical Oncology 2008;26(2):190–195.")
NEUENSCHWANDER = ("Neuenschwander B, Branson M, Gsponer T. Critical aspects of the Bayesian approach to phase I "
                  "cancer trials. Statistics in Medicine 2008;27(13):2420–2439.")
BABB = ("Babb J, Rogatko A, Zacks S. Cancer phase I clinical trials: efficient dose escalation with overdose "
        "control. Statistics in Medicine 1998;17(10):1103–1120.")
SIMON_1997 = ("Simon R, Freidlin B, Rubinstein L, Arbuck SG, Collins J, Christian MC. Accelerated titration designs "
              "for phase I clinical trials in oncology. Journal of the National Cancer Institute 1997;89(15):"
              "1138–1147.")
OQUIGLEY_2002 = ("O'Quigley J, Paoletti X, Maccario J. Non-parametric optimal design in dose finding studies. "
                 "Biostatistics 2002;3(1):51–56.")
CLERTANT = ("Clertant M, O'Quigley J. Semiparametric dose finding methods. Journal of the Royal Statistical Society: "
            "Series B 2017;79(5):1487–1508.")

#: Each design method's references, the design's own paper first.
BY_METHOD: dict[str, tuple[str, ...]] = {
    "3+3": (STORER, LIN_SHIH),
    "a+b": (LIN_SHIH,),
    "boin": (LIU_YUAN, YUAN_2016),
    "tite-boin": (YUAN_2018, LIU_YUAN),
    "mtpi2": (GUO_2017, YAN_2017),
    "i3+3": (LIU_I3,),
    "crm": (OQUIGLEY_1990, LEE_CHEUNG, CHEUNG_BOOK),
    "tite-crm": (CHEUNG_CHAPPELL, OQUIGLEY_1990, LEE_CHEUNG),
    "rolling-six": (SKOLNIK,),
    "blrm": (NEUENSCHWANDER, BABB),
}


def for_method(method: str) -> tuple[str, ...]:
    """The references of a design method (none for an unknown one)."""
    return BY_METHOD.get(method, ())
